/**
 * Maps timestamps (or numbers) to bucket ordinals and back, for `date_histogram` and `histogram`.
 * Fixed intervals are plain arithmetic; calendar intervals (minute .. year) count calendar units
 * since the epoch with integer date math (no Date objects per document), so a million timestamps
 * round in a few milliseconds. Time zones are fixed offsets (UTC by default): rounding happens in
 * local time and keys are reported in UTC epoch ms, as ES does.
 */
import { illegalArgument } from '../../search-engine-error.js';

export interface Rounding {
  /** The bucket ordinal of a value (local time for dates). */
  ordinal(value: number): number;
  /** The start (key) of a bucket ordinal. */
  start(ordinal: number): number;
}

const DAY_MS = 86_400_000;

export function fixedRounding(interval: number, offset: number): Rounding {
  return {
    ordinal: (v) => Math.floor((v - offset) / interval),
    start: (o) => o * interval + offset,
  };
}

const FIXED_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

export function parseFixedInterval(text: unknown): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(String(text));
  const ms = m ? Number(m[1]) * FIXED_UNITS[m[2]!]! : 0;
  if (!m || ms <= 0) {
    throw illegalArgument(
      `failed to parse setting [date_histogram.fixedInterval] with value [${String(text)}] as a time value: unit is missing or unrecognized`,
    );
  }
  return ms;
}

const CALENDAR_UNITS: Record<string, string> = {
  minute: 'm',
  '1m': 'm',
  hour: 'h',
  '1h': 'h',
  day: 'd',
  '1d': 'd',
  week: 'w',
  '1w': 'w',
  month: 'M',
  '1M': 'M',
  quarter: 'q',
  '1q': 'q',
  year: 'y',
  '1y': 'y',
};

export function calendarRounding(text: unknown, offset: number): Rounding {
  const unit = CALENDAR_UNITS[String(text)];
  if (unit === undefined)
    throw illegalArgument(
      `The supplied interval [${String(text)}] could not be parsed as a calendar interval.`,
    );
  switch (unit) {
    case 'm':
      return fixedRounding(60_000, offset);
    case 'h':
      return fixedRounding(3_600_000, offset);
    case 'd':
      return fixedRounding(DAY_MS, offset);
    case 'w':
      // 1970-01-01 was a Thursday; ISO weeks start on Monday, 3 days earlier.
      return fixedRounding(7 * DAY_MS, offset - 3 * DAY_MS);
    default: {
      const monthsPer = unit === 'M' ? 1 : unit === 'q' ? 3 : 12;
      return {
        ordinal: (v) => Math.floor(monthIndex(v - offset) / monthsPer),
        start: (o) => monthStart(o * monthsPer) + offset,
      };
    }
  }
}

/** Months since 1970-01 of a UTC timestamp (civil-from-days, Howard Hinnant's algorithm). */
function monthIndex(ms: number): number {
  const z = Math.floor(ms / DAY_MS) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return (year - 1970) * 12 + (month - 1);
}

function monthStart(index: number): number {
  const year = 1970 + Math.floor(index / 12);
  const month = index - (year - 1970) * 12;
  return Date.UTC(year, month, 1);
}
