/**
 * Parses the `aggs` object of a search body into Aggregations, with ES's errors for unknown types
 * (`Unknown aggregation type [x]`), malformed definitions and sub-aggregations under metrics. The
 * registry below is the one list of aggregation types the embedded engine supports.
 */
import type { Clock } from '../../../core/clock.js';
import { parsingError, SearchEngineError } from '../../search-engine-error.js';
import { isPlainObject } from '../mapping/index-mapping.js';
import type { Aggregation, AggregationSpec } from './aggregation.js';
import { HistogramAggregation } from './histogram-aggregations.js';
import { CountingMetric, SingleMetric, StatsMetric } from './metric-aggregations.js';
import { PercentilesAggregation } from './percentiles-aggregation.js';
import { RangeAggregation } from './range-aggregations.js';
import { TermsAggregation } from './terms-aggregation.js';
import { TopHitsAggregation } from './top-hits-aggregation.js';

type Factory = (spec: AggregationSpec) => Aggregation;

/** Type -> how to build it, and whether it takes sub-aggregations (bucket aggregations do). */
const factories = new Map<string, { readonly create: Factory; readonly bucket: boolean }>([
  ['terms', { create: (s) => new TermsAggregation(s), bucket: true }],
  ['date_histogram', { create: (s) => new HistogramAggregation(s), bucket: true }],
  ['histogram', { create: (s) => new HistogramAggregation(s), bucket: true }],
  ['range', { create: (s) => new RangeAggregation(s), bucket: true }],
  ['date_range', { create: (s) => new RangeAggregation(s), bucket: true }],
  ['avg', { create: (s) => new SingleMetric(s), bucket: false }],
  ['sum', { create: (s) => new SingleMetric(s), bucket: false }],
  ['min', { create: (s) => new SingleMetric(s), bucket: false }],
  ['max', { create: (s) => new SingleMetric(s), bucket: false }],
  ['stats', { create: (s) => new StatsMetric(s), bucket: false }],
  ['value_count', { create: (s) => new CountingMetric(s), bucket: false }],
  ['cardinality', { create: (s) => new CountingMetric(s), bucket: false }],
  ['percentiles', { create: (s) => new PercentilesAggregation(s), bucket: false }],
  ['top_hits', { create: (s) => new TopHitsAggregation(s), bucket: false }],
]);

export function parseAggregations(json: unknown, clock: Clock): Aggregation[] {
  if (json === undefined || json === null) return [];
  if (!isPlainObject(json)) throw parsingError('Aggregation definition must be an object');
  return Object.entries(json).map(([name, def]) => parseOne(name, def, clock));
}

function parseOne(name: string, def: unknown, clock: Clock): Aggregation {
  if (/[[\]>]/.test(name)) {
    throw parsingError(
      `Invalid aggregation name [${name}]. Aggregation names can contain any character except '[', ']', and '>'`,
    );
  }
  if (!isPlainObject(def))
    throw parsingError(
      `Aggregation definition for [${name} starts with a [${typeof def}], expected a [START_OBJECT].`,
    );
  let type: string | undefined;
  let params: Record<string, unknown> = {};
  let subJson: unknown;
  let meta: unknown;
  for (const [key, value] of Object.entries(def)) {
    if (key === 'aggs' || key === 'aggregations') {
      if (subJson !== undefined) throw parsingError(`Found two sub aggregation definitions under [${name}]`);
      subJson = value;
      continue;
    }
    if (key === 'meta') {
      meta = value;
      continue;
    }
    if (type !== undefined)
      throw parsingError(`Found two aggregation type definitions in [${name}]: [${type}] and [${key}]`);
    if (!factories.has(key)) throw parsingError(`Unknown aggregation type [${key}]`);
    if (!isPlainObject(value))
      throw parsingError(`Expected [START_OBJECT] under [${key}], but got a [${typeof value}] in [${name}]`);
    type = key;
    params = value;
  }
  if (type === undefined) throw parsingError(`Missing definition for aggregation [${name}]`);
  const factory = factories.get(type)!;
  const subAggregations = parseAggregations(subJson, clock);
  if (!factory.bucket && subAggregations.length > 0) {
    throw new SearchEngineError(
      'aggregation_initialization_exception',
      `Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`,
      400,
    );
  }
  return factory.create({ name, type, params, subAggregations, meta, clock });
}
