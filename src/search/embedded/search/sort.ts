/**
 * Sorting hits as ES does: `_score` (descending by default), `_doc`, `_id`, or a field (ascending
 * by default) with `order`, `missing` (`_last` by default in both directions, `_first`, or a value)
 * and `unmapped_type`. Multi-valued fields sort by their minimum ascending and maximum descending.
 * Ties fall back to index order, then doc number, so results are stable. Hits carry the
 * sort values in `sort`; a missing value is rendered as null (ES prints type-specific sentinels).
 */
import {
  fielddataDisabled,
  illegalArgument,
  parsingError,
  SearchEngineError,
} from '../../search-engine-error.js';
import { type KeywordColumn, MISSING, MULTI } from '../index/keyword-column.js';
import type { NumericColumn } from '../index/numeric-column.js';
import { valueKind } from '../mapping/field-type.js';
import { isPlainObject } from '../mapping/index-mapping.js';
import type { SearchTarget } from './search-target.js';

export type SortValue = number | string | null;

export interface SortClause {
  readonly kind: 'score' | 'doc' | 'id' | 'field';
  readonly field: string;
  readonly desc: boolean;
  readonly missing: unknown;
  readonly unmappedType: string | undefined;
}

export function parseSort(json: unknown): SortClause[] {
  if (json === undefined)
    return [{ kind: 'score', field: '_score', desc: true, missing: '_last', unmappedType: undefined }];
  const list = Array.isArray(json) ? json : [json];
  return list.map((item): SortClause => {
    if (typeof item === 'string') return clause(item, undefined);
    if (isPlainObject(item)) {
      const keys = Object.keys(item);
      if (keys.length !== 1)
        throw parsingError(`[sort] option must have exactly one field, found [${keys.join(', ')}]`);
      return clause(keys[0]!, item[keys[0]!]);
    }
    throw parsingError('[sort] must be a string, an object or an array of them');
  });
}

function clause(field: string, spec: unknown): SortClause {
  const kind = field === '_score' ? 'score' : field === '_doc' ? 'doc' : field === '_id' ? 'id' : 'field';
  let order: unknown = kind === 'score' ? 'desc' : 'asc';
  let missing: unknown = '_last';
  let unmappedType: string | undefined;
  if (typeof spec === 'string') order = spec;
  else if (isPlainObject(spec)) {
    for (const [key, value] of Object.entries(spec)) {
      if (key === 'order') order = value;
      else if (key === 'missing') missing = value;
      else if (key === 'unmapped_type') unmappedType = String(value);
      else if (key === 'mode' && (value === 'min' || value === 'max')) {
        // ES's defaults (min asc, max desc) are what this engine does; other choices are refused below.
        if ((value === 'min') !== (order !== 'desc'))
          throw parsingError(
            `[sort] mode [${value}] with order [${String(order)}] is not supported by the embedded engine`,
          );
      } else throw parsingError(`[field_sort] unknown field [${key}]`);
    }
  } else if (spec !== undefined) throw parsingError(`[sort] unexpected value for [${field}]`);
  if (order !== 'asc' && order !== 'desc')
    throw illegalArgument(
      `No enum constant org.elasticsearch.search.sort.SortOrder.${String(order).toUpperCase()}`,
    );
  return { kind, field, desc: order === 'desc', missing, unmappedType };
}

/** Reads one clause's value for a document of one target. */
export type SortAccessor = (doc: number) => SortValue;

export function sortAccessor(
  clause: SortClause,
  target: SearchTarget,
  score: (doc: number) => number,
  docBase: number,
): SortAccessor {
  switch (clause.kind) {
    case 'score':
      return score;
    case 'doc':
      return (doc) => docBase + doc;
    case 'id':
      return (doc) => target.memory.ids[doc]!;
    case 'field': {
      const leaf = target.mapping.fields.get(clause.field);
      if (leaf === undefined) {
        if (clause.unmappedType !== undefined) return () => null;
        throw new SearchEngineError(
          'query_shard_exception',
          `No mapping found for [${clause.field}] in order to sort on`,
          400,
        );
      }
      const kind = valueKind(leaf.type);
      if (kind === 'text') {
        throw fielddataDisabled(leaf.path);
      }
      const column = target.memory.columns.get(leaf.path);
      if (column === undefined) return () => null;
      if (kind === 'keyword') return keywordAccessor(column as KeywordColumn, clause.desc);
      const num = column as NumericColumn;
      return (doc) => {
        const v = num.sortValue(doc, clause.desc);
        return Number.isNaN(v) ? null : v;
      };
    }
  }
}

function keywordAccessor(column: KeywordColumn, desc: boolean): SortAccessor {
  return (doc) => {
    const ord = doc < column.ords.length ? column.ords[doc]! : MISSING;
    if (ord >= 0) return column.terms[ord]!;
    if (ord !== MULTI) return null;
    const rank = column.rank();
    let best = -1;
    for (const o of column.multi.get(doc)!)
      if (best < 0 || (desc ? rank[o]! > rank[best]! : rank[o]! < rank[best]!)) best = o;
    return column.terms[best]!;
  };
}

/** Compares two values of one clause: missing placement first, then order. */
export function compareSortValues(a: SortValue, b: SortValue, clause: SortClause): number {
  const va = a === null ? substitute(clause) : a;
  const vb = b === null ? substitute(clause) : b;
  if (va === null || vb === null) {
    if (va === vb) return 0;
    const aFirst = clause.missing === '_first';
    return va === null ? (aFirst ? -1 : 1) : aFirst ? 1 : -1;
  }
  const cmp = va < vb ? -1 : va > vb ? 1 : 0;
  return clause.desc ? -cmp : cmp;
}

function substitute(clause: SortClause): SortValue {
  const m = clause.missing;
  if (m === '_last' || m === '_first' || m === undefined || m === null) return null;
  return typeof m === 'number'
    ? m
    : typeof m === 'string' && /^-?\d+(\.\d+)?$/.test(m) && clause.kind === 'field'
      ? Number(m)
      : String(m);
}
