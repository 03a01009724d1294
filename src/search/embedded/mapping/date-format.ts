/**
 * Date parsing and printing for `date` fields, range queries and date aggregations, following ES's
 * named formats. A format is a `||` list tried left to right; the default is
 * `strict_date_optional_time||epoch_millis`. Supported: `strict_date_optional_time`,
 * `date_optional_time`, `strict_date_time`, `date_time`, `strict_date`, `date`, `epoch_millis`,
 * `epoch_second`, and custom patterns built from `yyyy MM dd HH mm ss SSS` with literal
 * separators and quoted text ('T'). Strings without an offset are UTC, as in ES.
 *
 * `roundUp` parses the way ES does for `gt`/`lte` range bounds: fields missing from the string are
 * filled with their maximum, so `lte: "2024-01-01"` includes that whole day.
 */
import { illegalArgument } from '../../search-engine-error.js';

export const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis';

const ISO =
  /^([+-]?\d{4,9})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const NAMED = new Set([
  'strict_date_optional_time',
  'date_optional_time',
  'strict_date_optional_time_nanos',
  'strict_date_time',
  'date_time',
  'strict_date',
  'date',
  'epoch_millis',
  'epoch_second',
]);

/** Throws `illegal_argument_exception` when a format (or one of its `||` parts) is not supported. */
export function validateDateFormat(format: string): void {
  for (const part of format.split('||')) {
    if (NAMED.has(part)) continue;
    if (!/^(?:yyyy|yy|MM|dd|HH|mm|ss|SSS|'[^']*'|[-/:. T,])+$/.test(part)) {
      throw illegalArgument(`date format [${part}] is not supported by the embedded engine`);
    }
  }
}

const partsCache = new Map<string, readonly string[]>();

/** `a||b` -> [a, b], memoized: formats come from a handful of mappings and queries. */
function formatParts(format: string): readonly string[] {
  let parts = partsCache.get(format);
  if (parts === undefined) {
    parts = format.split('||');
    if (partsCache.size < 1000) partsCache.set(format, parts);
  }
  return parts;
}

/** Parses `value` with `format`; undefined when no part of the format accepts it. */
export function parseDate(value: unknown, format = DEFAULT_DATE_FORMAT, roundUp = false): number | undefined {
  for (const part of formatParts(format)) {
    const ms = parseWith(value, part, roundUp);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

function parseWith(value: unknown, format: string, roundUp: boolean): number | undefined {
  if (format === 'epoch_millis' || format === 'epoch_second') {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)
          ? Number(value)
          : NaN;
    if (!Number.isFinite(n)) return undefined;
    return format === 'epoch_second' ? Math.round(n * 1000) : Math.trunc(n);
  }
  if (typeof value !== 'string') return undefined;
  if (NAMED.has(format)) return parseIso(value, format, roundUp);
  return parsePattern(value, format, roundUp);
}

/** `yyyy-MM-ddTHH:mm:ss[.SSS]Z`, the shape almost every log timestamp has, without a regex. */
function parseIsoFast(text: string): number | undefined {
  const n = text.length;
  if ((n !== 20 && n !== 24) || text.charCodeAt(n - 1) !== 90 || text.charCodeAt(10) !== 84) return undefined;
  for (const i of n === 20 ? FAST_DIGITS_20 : FAST_DIGITS_24) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  if (
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[13] !== ':' ||
    text[16] !== ':' ||
    (n === 24 && text[19] !== '.')
  )
    return undefined;
  const year =
    (text.charCodeAt(0) - 48) * 1000 +
    (text.charCodeAt(1) - 48) * 100 +
    (text.charCodeAt(2) - 48) * 10 +
    (text.charCodeAt(3) - 48);
  const month = (text.charCodeAt(5) - 48) * 10 + (text.charCodeAt(6) - 48);
  const day = (text.charCodeAt(8) - 48) * 10 + (text.charCodeAt(9) - 48);
  const hour = (text.charCodeAt(11) - 48) * 10 + (text.charCodeAt(12) - 48);
  const minute = (text.charCodeAt(14) - 48) * 10 + (text.charCodeAt(15) - 48);
  const second = (text.charCodeAt(17) - 48) * 10 + (text.charCodeAt(18) - 48);
  const millis =
    n === 24
      ? (text.charCodeAt(20) - 48) * 100 + (text.charCodeAt(21) - 48) * 10 + (text.charCodeAt(22) - 48)
      : 0;
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    year < 1000
  )
    return undefined;
  return (
    daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis
  );
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): what
 * `Date.UTC` computes, in plain arithmetic, for the fast path that runs once per indexed date.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const FAST_DIGITS_20 = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const FAST_DIGITS_24 = [...FAST_DIGITS_20, 20, 21, 22];

function parseIso(text: string, format: string, roundUp: boolean): number | undefined {
  if (!roundUp && format !== 'strict_date' && format !== 'date') {
    const fast = parseIsoFast(text);
    if (fast !== undefined) return fast;
  }
  const m = ISO.exec(text);
  if (!m) return undefined;
  const strict = format.startsWith('strict_');
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (
    strict &&
    (y!.replace(/^[+-]/, '').length !== 4 || [mo, d, h, mi, s].some((p) => p !== undefined && p.length !== 2))
  ) {
    return undefined;
  }
  if (text.includes(' ')) return undefined;
  const needsTime = format === 'strict_date_time' || format === 'date_time';
  if (needsTime && (h === undefined || mi === undefined || s === undefined)) return undefined;
  const dateOnly = format === 'strict_date' || format === 'date';
  if (dateOnly && (d === undefined || h !== undefined || zone !== undefined)) return undefined;
  if (h !== undefined && mi === undefined && strict && format !== 'strict_date_optional_time')
    return undefined;
  return build(
    Number(y),
    mo === undefined ? undefined : Number(mo),
    d === undefined ? undefined : Number(d),
    h === undefined ? undefined : Number(h),
    mi === undefined ? undefined : Number(mi),
    s === undefined ? undefined : Number(s),
    frac === undefined ? undefined : Number(frac.slice(0, 3).padEnd(3, '0')),
    zone,
    roundUp,
  );
}

/** A custom pattern compiled once: its regex and which field each capture group holds. */
interface CompiledPattern {
  readonly regex: RegExp;
  readonly groups: readonly string[];
}

const compiledPatterns = new Map<string, CompiledPattern>();

/** Compiles `pattern` (`yyyy/MM/dd HH:mm`, quoted literals) once; mappings use a handful of them. */
function compilePattern(pattern: string): CompiledPattern {
  let compiled = compiledPatterns.get(pattern);
  if (compiled !== undefined) return compiled;
  let regex = '';
  const groups: string[] = [];
  for (const tok of pattern.match(/yyyy|yy|MM|dd|HH|mm|ss|SSS|'[^']*'|./g) ?? []) {
    if (/^(yyyy|yy|MM|dd|HH|mm|ss|SSS)$/.test(tok)) {
      groups.push(tok);
      regex += tok === 'yyyy' ? '(\\d{4})' : tok === 'SSS' ? '(\\d{3})' : '(\\d{2})';
    } else {
      regex += (tok.startsWith("'") ? tok.slice(1, -1) : tok).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  compiled = { regex: new RegExp(`^${regex}$`), groups };
  if (compiledPatterns.size < 1000) compiledPatterns.set(pattern, compiled);
  return compiled;
}

function parsePattern(text: string, pattern: string, roundUp: boolean): number | undefined {
  const { regex, groups } = compilePattern(pattern);
  const m = regex.exec(text);
  if (!m) return undefined;
  const part = (name: string): number | undefined => {
    const at = groups.indexOf(name);
    return at < 0 ? undefined : Number(m[at + 1]);
  };
  const yy = part('yy');
  return build(
    part('yyyy') ?? (yy === undefined ? 1970 : 2000 + yy),
    part('MM'),
    part('dd'),
    part('HH'),
    part('mm'),
    part('ss'),
    part('SSS'),
    undefined,
    roundUp,
  );
}

function build(
  year: number,
  month: number | undefined,
  day: number | undefined,
  hour: number | undefined,
  minute: number | undefined,
  second: number | undefined,
  millis: number | undefined,
  zone: string | undefined,
  roundUp: boolean,
): number | undefined {
  const mo = month ?? (roundUp ? 12 : 1);
  if (mo < 1 || mo > 12) return undefined;
  const lastDay = new Date(Date.UTC(year, mo, 0)).getUTCDate();
  const d = day ?? (roundUp ? lastDay : 1);
  if (d < 1 || d > lastDay) return undefined;
  const h = hour ?? (roundUp ? 23 : 0);
  const mi = minute ?? (roundUp ? 59 : 0);
  const s = second ?? (roundUp ? 59 : 0);
  const ms = millis ?? (roundUp ? 999 : 0);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const utc = new Date(0);
  utc.setUTCFullYear(year, mo - 1, d);
  utc.setUTCHours(h, mi, s, ms);
  return utc.getTime() - zoneOffsetMs(zone ?? 'Z');
}

/** `Z`, `+01:00`, `+0100`, `-05`: the offset in ms. */
export function zoneOffsetMs(zone: string): number {
  if (zone === 'Z' || zone === 'UTC' || zone === 'GMT' || zone === 'Etc/UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m)
    throw illegalArgument(
      `time_zone [${zone}] is not supported by the embedded engine (use UTC or a fixed offset such as +01:00)`,
    );
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 3_600_000 + Number(m[3] ?? 0) * 60_000);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Prints epoch ms with the first part of `format`, as ES renders `key_as_string` and `value_as_string`. */
export function formatDate(ms: number, format = DEFAULT_DATE_FORMAT, offsetMs = 0): string {
  const first = formatParts(format)[0] ?? 'strict_date_optional_time';
  if (first === 'epoch_millis') return String(ms);
  if (first === 'epoch_second') return String(Math.floor(ms / 1000));
  const t = new Date(ms + offsetMs);
  const Y = t.getUTCFullYear();
  const fields: Record<string, string> = {
    yyyy: pad(Y, 4),
    yy: pad(Y % 100),
    MM: pad(t.getUTCMonth() + 1),
    dd: pad(t.getUTCDate()),
    HH: pad(t.getUTCHours()),
    mm: pad(t.getUTCMinutes()),
    ss: pad(t.getUTCSeconds()),
    SSS: pad(t.getUTCMilliseconds(), 3),
  };
  if (NAMED.has(first)) {
    if (first === 'strict_date' || first === 'date') return `${fields.yyyy}-${fields.MM}-${fields.dd}`;
    const zone = offsetMs === 0 ? 'Z' : formatOffset(offsetMs);
    return `${fields.yyyy}-${fields.MM}-${fields.dd}T${fields.HH}:${fields.mm}:${fields.ss}.${fields.SSS}${zone}`;
  }
  return (first.match(/yyyy|yy|MM|dd|HH|mm|ss|SSS|'[^']*'|./g) ?? [])
    .map((tok) => fields[tok] ?? (tok.startsWith("'") ? tok.slice(1, -1) : tok))
    .join('');
}

function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const abs = Math.abs(offsetMs) / 60_000;
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ES's dynamic `date_detection`: does this string look like a `strict_date_optional_time` date? */
export function looksLikeDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}/.test(text) && parseIso(text, 'strict_date_optional_time', false) !== undefined;
}
