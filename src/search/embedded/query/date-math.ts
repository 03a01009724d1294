/**
 * ES date math for range bounds: an anchor (`now` or a date followed by `||`), then operations
 * `+1d`, `-15m`, `/d` (round to the unit). Units: y M w d h H m s. Rounding direction follows ES:
 * `gte`/`lt` round down, `gt`/`lte` round up to the unit's last millisecond, and dates missing parts
 * are completed the same way (`lte: "2024-01-01"` ends at 23:59:59.999). "now" comes from the
 * injected Clock, so tests pin it with a ManualClock.
 */
import type { Clock } from '../../../core/clock.js';
import { parsingError, SearchEngineError } from '../../search-engine-error.js';
import { DEFAULT_DATE_FORMAT, parseDate } from '../mapping/date-format.js';

export function resolveDateMath(
  expression: unknown,
  options: { clock: Clock; roundUp: boolean; format?: string | undefined; offsetMs?: number },
): number {
  const { clock, roundUp } = options;
  const offsetMs = options.offsetMs ?? 0;
  const format = options.format ?? DEFAULT_DATE_FORMAT;
  if (typeof expression === 'number') {
    const ms = parseDate(expression, format.includes('epoch_') ? format : `${format}||epoch_millis`, roundUp);
    if (ms === undefined) throw parseFailure(expression, format);
    return ms;
  }
  if (typeof expression !== 'string') throw parseFailure(expression, format);
  let anchor: number;
  let math: string;
  if (expression.startsWith('now')) {
    anchor = clock.nowMs();
    math = expression.slice(3);
  } else {
    const split = expression.indexOf('||');
    const dateText = split < 0 ? expression : expression.slice(0, split);
    math = split < 0 ? '' : expression.slice(split + 2);
    // A date followed by math is parsed rounded down; the math's own rounding applies afterwards.
    const parsed = parseDate(dateText, format, roundUp && math === '');
    if (parsed === undefined) throw parseFailure(expression, format);
    anchor = parsed - (/Z|[+-]\d\d:?\d\d$/.test(dateText) ? 0 : offsetMs);
  }
  return applyMath(anchor, math, roundUp, expression, offsetMs);
}

function parseFailure(value: unknown, format: string) {
  return new SearchEngineError(
    'parse_exception',
    `failed to parse date field [${String(value)}] with format [${format}]`,
    400,
  );
}

function applyMath(
  startMs: number,
  math: string,
  roundUp: boolean,
  expression: string,
  offsetMs: number,
): number {
  let ms = startMs;
  let i = 0;
  while (i < math.length) {
    const op = math[i]!;
    i++;
    if (op === '/') {
      const unit = math[i];
      if (unit === undefined) throw parsingError(`rounding unit missing in date math [${expression}]`);
      i++;
      ms = round(ms + offsetMs, unit, roundUp, expression) - offsetMs;
      continue;
    }
    if (op !== '+' && op !== '-') throw parsingError(`operator not supported for date math [${expression}]`);
    const m = /^(\d*)([yMwdhHms])/.exec(math.slice(i));
    if (!m) throw parsingError(`unit missing or unsupported in date math [${expression}]`);
    i += m[0].length;
    const amount = (m[1] === '' ? 1 : Number(m[1])) * (op === '-' ? -1 : 1);
    ms = add(ms, amount, m[2]!);
  }
  return ms;
}

const FIXED_UNIT_MS: Record<string, number> = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  H: 3_600_000,
  m: 60_000,
  s: 1000,
};

function add(ms: number, amount: number, unit: string): number {
  if (unit === 'y' || unit === 'M') {
    // Like java.time's plusMonths: the day is clamped to the target month's length (Jan 31 + 1M = Feb 29).
    const d = new Date(ms);
    const months = d.getUTCFullYear() * 12 + d.getUTCMonth() + (unit === 'y' ? 12 * amount : amount);
    const year = Math.floor(months / 12);
    const month = months - year * 12;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    const day = Math.min(d.getUTCDate(), lastDay);
    return Date.UTC(year, month, day) + (ms - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  }
  return ms + amount * FIXED_UNIT_MS[unit]!;
}

/** Start of the calendar unit containing `ms` (UTC), or its last millisecond when rounding up. */
export function round(ms: number, unit: string, roundUp: boolean, expression = unit): number {
  const d = new Date(ms);
  let start: number;
  switch (unit) {
    case 'y':
      start = Date.UTC(d.getUTCFullYear(), 0, 1);
      break;
    case 'M':
      start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      break;
    case 'w': {
      const day = (d.getUTCDay() + 6) % 7; // ISO weeks start on Monday
      start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day);
      break;
    }
    case 'd':
      start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      break;
    case 'h':
    case 'H':
    case 'm':
    case 's':
      start = ms - (((ms % FIXED_UNIT_MS[unit]!) + FIXED_UNIT_MS[unit]!) % FIXED_UNIT_MS[unit]!);
      break;
    default:
      throw parsingError(`rounding unit [${unit}] not supported in date math [${expression}]`);
  }
  return roundUp ? add(start, 1, unit) - 1 : start;
}
