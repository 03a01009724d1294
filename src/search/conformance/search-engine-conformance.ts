/**
 * The conformance suite every SearchEngine must pass: queries, aggregations, search options,
 * bulk semantics, mappings, index administration, index templates and data streams, scans and
 * error answers, asserted as
 * Elasticsearch/OpenSearch answer them (where an engine and a real cluster disagree, the cluster is
 * right). It uses only the contract, so it runs unchanged against the embedded engine and against
 * a cluster. Call it from a `*.test.ts` file:
 *
 *   describeSearchEngineConformance('embedded', () => EmbeddedSearchEngine.open({ dataDir }));
 *
 * `open` is called once per suite and must return an engine whose indices named
 * `<indexPrefix>conformance-*` may be created and deleted freely. Against a shared cluster, give
 * a prefix unique to the run (`indexPrefix: \`run${Date.now()}-\``): every suite deletes what
 * it created, and the prefix keeps concurrent runs apart.
 */
import { describe } from 'node:test';
import { describeAdminConformance } from './admin.conformance.js';
import { describeAggregationConformance } from './aggregation.conformance.js';
import { describeBulkConformance } from './bulk.conformance.js';
import type { ConformanceTarget, OpenEngine } from './conformance-helpers.js';
import { describeErrorConformance } from './error.conformance.js';
import { describeMappingConformance } from './mapping.conformance.js';
import { describeQueryConformance } from './query.conformance.js';
import { describeSearchOptionsConformance } from './search-options.conformance.js';
import { describeTemplateConformance } from './template.conformance.js';

export interface ConformanceOptions {
  /** Prepended to every index name the suites use; lowercase, e.g. `run1764620000000-`. */
  readonly indexPrefix?: string;
  /** Skip the whole suite with this reason (the engine is not available here). */
  readonly skip?: string;
  /**
   * Whether the engine has data streams (default true). False for the embedded engine and for
   * Elasticsearch OSS builds: the suite then checks that data stream templates are refused.
   */
  readonly dataStreams?: boolean;
}

export function describeSearchEngineConformance(
  name: string,
  open: OpenEngine,
  options: ConformanceOptions = {},
): void {
  const prefix = options.indexPrefix ?? '';
  const target: ConformanceTarget = { open, index: (base) => `${prefix}${base}` };
  describe(`SearchEngine conformance: ${name}`, { skip: options.skip ?? false }, () => {
    describeQueryConformance(target);
    describeSearchOptionsConformance(target);
    describeAggregationConformance(target);
    describeBulkConformance(target);
    describeMappingConformance(target);
    describeAdminConformance(target);
    describeTemplateConformance(target, { dataStreams: options.dataStreams ?? true });
    describeErrorConformance(target);
  });
}
