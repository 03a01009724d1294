/**
 * The field types the embedded engine maps, and how a JSON value becomes an indexed value for each
 * (ES's coercion rules: numeric strings into numbers, numbers into keywords, truncation of
 * fractions for integer types). A value ES would refuse makes `coerce` return an error string,
 * which the document parser turns into a per-item `mapper_parsing_exception`.
 */
import { DEFAULT_DATE_FORMAT, parseDate } from './date-format.js';

export type LeafType =
  | 'text'
  | 'keyword'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'double'
  | 'float'
  | 'half_float'
  | 'date'
  | 'boolean'
  | 'ip';

export const LEAF_TYPES: ReadonlySet<string> = new Set<LeafType>([
  'text',
  'keyword',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'date',
  'boolean',
  'ip',
]);

/** How a type is stored in memory: postings (text), ordinals (keyword-like) or numbers. */
export type ValueKind = 'text' | 'keyword' | 'number';

export function valueKind(type: LeafType): ValueKind {
  if (type === 'text') return 'text';
  if (type === 'keyword' || type === 'ip') return 'keyword';
  return 'number';
}

export function isIntegerType(type: LeafType): boolean {
  return type === 'long' || type === 'integer' || type === 'short' || type === 'byte';
}

const INTEGER_RANGE: Record<string, readonly [number, number]> = {
  long: [-(2 ** 63), 2 ** 63],
  integer: [-2147483648, 2147483647],
  short: [-32768, 32767],
  byte: [-128, 127],
};

export interface LeafOptions {
  readonly type: LeafType;
  readonly format: string;
  readonly ignoreAbove: number;
  readonly coerce: boolean;
}

/** Why a value was refused; returned (not thrown) so the hot path allocates nothing on success. */
export class CoerceFailure {
  constructor(readonly reason: string) {}
}

const fail = (reason: string): CoerceFailure => new CoerceFailure(reason);

/** Turns one scalar JSON value into the value indexed for a field of this type. */
export function coerce(
  field: LeafOptions,
  value: string | number | boolean,
): string | number | CoerceFailure {
  switch (field.type) {
    case 'text':
    case 'keyword':
      return typeof value === 'string' ? value : String(value);
    case 'ip':
      return isIp(String(value)) ? String(value) : fail(`'${value}' is not an IP string literal.`);
    case 'boolean':
      if (value === true || value === 'true') return 1;
      if (value === false || value === 'false' || value === '') return 0;
      return fail(`Failed to parse value [${value}] as only [true] or [false] are allowed.`);
    case 'date': {
      const format = field.format || DEFAULT_DATE_FORMAT;
      const ms = typeof value === 'boolean' ? undefined : parseDate(value, format);
      if (ms === undefined) return fail(`failed to parse date field [${value}] with format [${format}]`);
      return ms;
    }
    default:
      return coerceNumber(field, value);
  }
}

function coerceNumber(field: LeafOptions, value: string | number | boolean): number | CoerceFailure {
  if (typeof value === 'boolean')
    return fail(
      `Current token (VALUE_${String(value).toUpperCase()}) not numeric, can not use numeric value accessors`,
    );
  if (typeof value === 'string' && !field.coerce)
    return fail(`Current token (VALUE_STRING) not numeric, can not use numeric value accessors`);
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n)) return fail(`For input string: "${value}"`);
  const range = INTEGER_RANGE[field.type];
  if (range) {
    if (n < range[0] || n > range[1])
      return fail(
        `Value [${value}] is out of range for ${field.type === 'long' ? 'a long' : `an ${field.type}`}`,
      );
    if (!Number.isInteger(n) && !field.coerce) return fail(`Value [${value}] has a decimal part`);
    return Math.trunc(n);
  }
  if (field.type === 'float' || field.type === 'half_float') return Math.fround(n);
  return n;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;

/** IPv4 dotted quads or IPv6 text; `ip` fields refuse anything else, as ES does. */
function isIp(text: string): boolean {
  return IPV4.test(text) || (text.includes(':') && IPV6.test(text));
}
