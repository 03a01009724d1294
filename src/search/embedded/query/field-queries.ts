/**
 * Clauses answered from doc-value columns: exact terms on keyword, numeric, date and boolean
 * fields, ranges, exists, and prefix/wildcard over keyword dictionaries. Each resolves its
 * operands once (strings to ordinals, dates to epoch ms with date math) and scans one column.
 */
import { Bitset } from '../index/bitset.js';
import { type KeywordColumn, MULTI } from '../index/keyword-column.js';
import type { NumericColumn } from '../index/numeric-column.js';
import { zoneOffsetMs } from '../mapping/date-format.js';
import { CoerceFailure, coerce, isIntegerType } from '../mapping/field-type.js';
import type { LeafField } from '../mapping/index-mapping.js';
import type { Deadline } from '../search/deadline.js';
import { resolveDateMath } from './date-math.js';
import { type QueryContext, queryShardError } from './matches.js';

/** Documents whose keyword ordinals include one of `accepted` (indexed by ordinal). */
export function keywordDocs(ctx: QueryContext, column: KeywordColumn, accepted: Uint8Array): Bitset {
  const bits = new Bitset(ctx.index.maxDoc);
  const ords = column.ords;
  const n = Math.min(ords.length, ctx.index.maxDoc);
  const deadline = ctx.deadline;
  for (let doc = 0; doc < n; doc++) {
    deadline?.every(doc);
    const ord = ords[doc]!;
    if (ord >= 0) {
      if (accepted[ord] === 1) bits.set(doc);
    } else if (ord === MULTI) {
      for (const o of column.multi.get(doc)!) if (accepted[o] === 1) bits.set(doc);
    }
  }
  return bits.and(ctx.live);
}

export function keywordTermsWhere(
  column: KeywordColumn,
  accept: (term: string) => boolean,
  deadline?: Deadline,
): Uint8Array {
  const accepted = new Uint8Array(column.terms.length);
  column.terms.forEach((term, ord) => {
    deadline?.every(ord);
    if (accept(term)) accepted[ord] = 1;
  });
  return accepted;
}

/** Documents with a numeric value in [low, high] (inclusive bounds; pass ±Infinity for open ends). */
export function numericDocs(ctx: QueryContext, column: NumericColumn, low: number, high: number): Bitset {
  const bits = new Bitset(ctx.index.maxDoc);
  const values = column.values;
  const n = Math.min(values.length, ctx.index.maxDoc);
  const multi = column.multi.size > 0 ? column.multi : undefined;
  const deadline = ctx.deadline;
  for (let doc = 0; doc < n; doc++) {
    deadline?.every(doc);
    const v = values[doc]!;
    if (v >= low && v <= high) bits.set(doc);
    else if (multi !== undefined && v < low) {
      const many = multi.get(doc);
      if (many?.some((m) => m >= low && m <= high)) bits.set(doc);
    }
  }
  return bits.and(ctx.live);
}

/** The indexed number for a query value on a numeric/boolean field, or undefined when lenient and unparsable. */
export function numericOperand(field: LeafField, value: unknown, lenient: boolean): number | undefined {
  const parsed =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? coerce({ ...field, coerce: true }, value)
      : new CoerceFailure(`unsupported value [${JSON.stringify(value)}]`);
  if (!(parsed instanceof CoerceFailure)) return Number(parsed);
  if (lenient) return undefined;
  throw queryShardError(`failed to create query: ${parsed.reason}`);
}

export interface Bounds {
  readonly gt?: unknown;
  readonly gte?: unknown;
  readonly lt?: unknown;
  readonly lte?: unknown;
  readonly format?: string | undefined;
  readonly timeZone?: string | undefined;
}

/** Inclusive [low, high] for a range over a numeric or date field, or undefined when lenient and unparsable. */
export function numericRange(
  ctx: QueryContext,
  field: LeafField,
  b: Bounds,
  lenient: boolean,
): [number, number] | undefined {
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  const isDate = field.type === 'date';
  const offsetMs = b.timeZone === undefined ? 0 : zoneOffsetMs(b.timeZone);
  const operand = (value: unknown, roundUp: boolean): number | undefined => {
    if (isDate) {
      try {
        return resolveDateMath(value, {
          clock: ctx.clock,
          roundUp,
          format: b.format ?? (field.format || undefined),
          offsetMs,
        });
      } catch (e) {
        if (lenient) return undefined;
        throw e;
      }
    }
    return numericOperand(field, value, lenient);
  };
  const integral = isIntegerType(field.type) || isDate;
  if (b.gte !== undefined) {
    const v = operand(b.gte, false);
    if (v === undefined) return undefined;
    low = integral ? Math.ceil(v) : v;
  }
  if (b.gt !== undefined) {
    const v = operand(b.gt, true);
    if (v === undefined) return undefined;
    low = Math.max(low, integral ? Math.floor(v) + 1 : nextUp(v));
  }
  if (b.lte !== undefined) {
    const v = operand(b.lte, true);
    if (v === undefined) return undefined;
    high = integral ? Math.floor(v) : v;
  }
  if (b.lt !== undefined) {
    const v = operand(b.lt, false);
    if (v === undefined) return undefined;
    high = Math.min(high, integral ? Math.ceil(v) - 1 : nextDown(v));
  }
  return [low, high];
}

function nextUp(v: number): number {
  return v + Math.max(Number.EPSILON * Math.abs(v), Number.MIN_VALUE);
}

function nextDown(v: number): number {
  return v - Math.max(Number.EPSILON * Math.abs(v), Number.MIN_VALUE);
}

/** Documents having any value for a leaf column. */
export function existsDocs(ctx: QueryContext, has: (doc: number) => boolean): Bitset {
  const bits = new Bitset(ctx.index.maxDoc);
  const deadline = ctx.deadline;
  for (let doc = 0; doc < ctx.index.maxDoc; doc++) {
    deadline?.every(doc);
    if (has(doc)) bits.set(doc);
  }
  return bits.and(ctx.live);
}
