/**
 * `_source` filtering as ES does it: `false` drops the source, a string or array lists includes,
 * `{ includes, excludes }` both; patterns use `*` and match dot paths, an object path includes the
 * whole object (`user` keeps `user.name`), and excludes win over includes.
 */
import { parsingError } from '../../search-engine-error.js';
import { isPlainObject } from '../mapping/index-mapping.js';
import { starPattern } from '../wildcard.js';

type PathTest = (path: string) => boolean;

export type SourceFilter =
  | { readonly enabled: false }
  | { readonly enabled: true; readonly includes: PathTest[]; readonly excludes: PathTest[] };

export function parseSourceFilter(json: unknown): SourceFilter {
  if (json === undefined || json === true) return { enabled: true, includes: [], excludes: [] };
  if (json === false) return { enabled: false };
  const patterns = (value: unknown, what: string): PathTest[] => {
    if (value === undefined) return [];
    const list = Array.isArray(value) ? value : [value];
    return list.map((p) => {
      if (typeof p !== 'string') throw parsingError(`[_source] ${what} must be strings`);
      return starPattern(p);
    });
  };
  if (typeof json === 'string' || Array.isArray(json))
    return { enabled: true, includes: patterns(json, 'includes'), excludes: [] };
  if (isPlainObject(json)) {
    for (const key of Object.keys(json)) {
      if (!['includes', 'excludes', 'include', 'exclude'].includes(key))
        throw parsingError(`Unknown key for a START_OBJECT in [_source]: [${key}].`);
    }
    return {
      enabled: true,
      includes: patterns(json.includes ?? json.include, 'includes'),
      excludes: patterns(json.excludes ?? json.exclude, 'excludes'),
    };
  }
  throw parsingError('Expected one of [TRUE, FALSE, VALUE_STRING, START_ARRAY, START_OBJECT] for [_source]');
}

export function filterSource(
  source: Record<string, unknown>,
  filter: SourceFilter & { enabled: true },
): Record<string, unknown> {
  if (filter.includes.length === 0 && filter.excludes.length === 0) return source;
  return filterObject(source, '', filter, filter.includes.length === 0);
}

function filterObject(
  obj: Record<string, unknown>,
  prefix: string,
  filter: SourceFilter & { enabled: true },
  included: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (filter.excludes.some((test) => test(path))) continue;
    const here = included || filter.includes.some((test) => test(path));
    const kept = filterValue(value, path, filter, here);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

function filterValue(
  value: unknown,
  path: string,
  filter: SourceFilter & { enabled: true },
  included: boolean,
): unknown {
  if (isPlainObject(value)) {
    const inner = filterObject(value, path, filter, included);
    return Object.keys(inner).length > 0 || (included && Object.keys(value).length === 0) ? inner : undefined;
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => filterValue(v, path, filter, included)).filter((v) => v !== undefined);
    return items.length > 0 || (included && value.length === 0) ? items : undefined;
  }
  return included ? value : undefined;
}
