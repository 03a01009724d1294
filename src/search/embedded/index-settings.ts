/**
 * Index settings the embedded engine understands. ES accepts them flat (`index.max_result_window`),
 * without prefix, or nested (`{ index: { number_of_shards } }`); all three normalize to the same
 * keys. Shard and replica counts and `refresh_interval` are accepted (there is one local shard and
 * writes are visible at once); anything else is refused with ES's "unknown setting" error.
 */
import { illegalArgument } from '../search-engine-error.js';
import { DEFAULT_MAPPING_LIMITS, isPlainObject, type MappingLimits } from './mapping/index-mapping.js';

export interface IndexSettings {
  readonly maxResultWindow: number;
  /** `index.mapping.depth.limit` (default 20) and `index.mapping.total_fields.limit` (default 1000). */
  readonly mappingLimits: MappingLimits;
  /** The settings as given, normalized to `index.*` keys (rendered back by listings). */
  readonly normalized: Readonly<Record<string, unknown>>;
}

const ACCEPTED = new Set([
  'number_of_shards',
  'number_of_replicas',
  'refresh_interval',
  'max_result_window',
  'mapping.depth.limit',
  'mapping.total_fields.limit',
]);

export function parseIndexSettings(json: unknown): IndexSettings {
  const flat: Record<string, unknown> = {};
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (isPlainObject(value)) walk(value, path);
      else flat[path.startsWith('index.') ? path : `index.${path}`] = value;
    }
  };
  if (json !== undefined && json !== null) {
    if (!isPlainObject(json)) throw illegalArgument('settings must be an object');
    walk(json, '');
  }
  for (const key of Object.keys(flat)) {
    if (!ACCEPTED.has(key.slice('index.'.length))) {
      throw illegalArgument(
        `unknown setting [${key}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings`,
      );
    }
  }
  const window = flat['index.max_result_window'];
  const maxResultWindow = window === undefined ? 10_000 : Number(window);
  if (!Number.isInteger(maxResultWindow) || maxResultWindow < 1) {
    throw illegalArgument(
      `Failed to parse value [${String(window)}] for setting [index.max_result_window] must be >= 1`,
    );
  }
  const mappingLimits: MappingLimits = {
    depth: positiveSetting(flat, 'index.mapping.depth.limit', DEFAULT_MAPPING_LIMITS.depth),
    totalFields: positiveSetting(
      flat,
      'index.mapping.total_fields.limit',
      DEFAULT_MAPPING_LIMITS.totalFields,
    ),
  };
  return { maxResultWindow, mappingLimits, normalized: flat };
}

function positiveSetting(flat: Record<string, unknown>, key: string, fallback: number): number {
  const raw = flat[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw illegalArgument(`Failed to parse value [${String(raw)}] for setting [${key}] must be >= 1`);
  return n;
}
