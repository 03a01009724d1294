import { ConfigError, reject } from '../../core/errors.js';

/**
 * Index names from a pattern over fields and event time:
 *   "weblogs-{yyyy.MM.dd}"   the record's event time (UTC): yyyy, yy, MM, dd, HH, mm, ss
 *   "{service}-events"       a field of the record (dot paths reach nested fields)
 *   "logs-{env}-{yyyy.MM}"   both
 * A placeholder made only of date tokens and separators is a date; anything else names a field. The
 * resolved name is lower-cased (Elasticsearch refuses upper case). A record without the field is
 * bad input (dead letter); a record without an event time uses processing time for dates.
 */
export type IndexNameFunction<T> = (record: T, timestampMs: number) => string;

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'date'; format: string }
  | { kind: 'field'; path: string[] };

const DATE_PLACEHOLDER = /^[yMdHms._:\-/ ]+$/;
const DATE_TOKEN = /yyyy|yy|MM|dd|HH|mm|ss/g;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Formats epoch ms in UTC with the date tokens above. */
export function formatUtc(format: string, timestampMs: number): string {
  const d = new Date(timestampMs);
  return format.replace(DATE_TOKEN, (token) => {
    switch (token) {
      case 'yyyy':
        return String(d.getUTCFullYear());
      case 'yy':
        return pad(d.getUTCFullYear() % 100);
      case 'MM':
        return pad(d.getUTCMonth() + 1);
      case 'dd':
        return pad(d.getUTCDate());
      case 'HH':
        return pad(d.getUTCHours());
      case 'mm':
        return pad(d.getUTCMinutes());
      default:
        return pad(d.getUTCSeconds());
    }
  });
}

/** Reads a dot path (`http.status`) from a record. */
export function readPath(record: unknown, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function parse(pattern: string): Part[] {
  const parts: Part[] = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(pattern); m !== null; m = re.exec(pattern)) {
    if (m.index > last) parts.push({ kind: 'text', text: pattern.slice(last, m.index) });
    const inner = (m[1] as string).trim();
    if (inner.length === 0) throw new ConfigError(`index pattern "${pattern}" has an empty {} placeholder`);
    if (DATE_PLACEHOLDER.test(inner) && /[yMdH]/.test(inner)) parts.push({ kind: 'date', format: inner });
    else parts.push({ kind: 'field', path: inner.split('.') });
    last = m.index + m[0].length;
  }
  if (last < pattern.length) parts.push({ kind: 'text', text: pattern.slice(last) });
  if (/[{}]/.test(parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''))) {
    throw new ConfigError(`index pattern "${pattern}" has an unbalanced brace`);
  }
  return parts;
}

/** Compiles a pattern (or passes a function through) into a function record -> index name. */
export function compileIndexName<T>(
  pattern: string | IndexNameFunction<T>,
  nowMs: () => number,
): IndexNameFunction<T> {
  if (typeof pattern === 'function') return pattern;
  if (pattern.trim().length === 0) throw new ConfigError('index must not be empty');
  const parts = parse(pattern);
  if (parts.every((p) => p.kind === 'text')) {
    const fixed = pattern.toLowerCase();
    return () => fixed;
  }
  return (record, timestampMs) => {
    let name = '';
    for (const part of parts) {
      if (part.kind === 'text') name += part.text;
      else if (part.kind === 'date')
        name += formatUtc(part.format, Number.isNaN(timestampMs) ? nowMs() : timestampMs);
      else {
        const v = readPath(record, part.path);
        if (v === undefined || v === null || v === '')
          reject(`index pattern "${pattern}" needs field "${part.path.join('.')}", which is missing`);
        if (typeof v === 'object')
          reject(`index pattern "${pattern}": field "${part.path.join('.')}" is an object, not a value`);
        name += String(v);
      }
    }
    return name.toLowerCase();
  };
}
