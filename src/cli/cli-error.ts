import { parseDurationMs } from '../time/duration.js';

/** A usage or input problem the CLI reports as one line (exit code 2), without a stack trace. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Parses a positive integer option, or throws a message naming the option. */
export function positiveInteger(option: string): (value: string) => number {
  return integerAtLeast(option, 1, 'a positive integer');
}

/** Parses an integer option that may be 0 (`--size 0`: aggregations only; `--seed 0`). */
export function nonNegativeInteger(option: string): (value: string) => number {
  return integerAtLeast(option, 0, 'an integer >= 0');
}

function integerAtLeast(option: string, min: number, what: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min)
      throw new CliUsageError(`${option} must be ${what}, got "${value}"`);
    return n;
  };
}

/** Parses a positive duration option ("10s", "500ms", "1m" or a bare number of ms). */
export function positiveDuration(option: string): (value: string) => number {
  return (value: string) => {
    let ms: number;
    try {
      ms = parseDurationMs(value);
    } catch (e) {
      throw new CliUsageError(`${option}: ${(e as Error).message}`);
    }
    if (!(ms > 0)) throw new CliUsageError(`${option} must be longer than 0 ms, got "${value}"`);
    return ms;
  };
}
