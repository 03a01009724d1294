/**
 * Search timeouts, as ES's `timeout` (body `timeout`, URL `?timeout=`): a search has a deadline,
 * and the executor's loops over documents and terms check it every DOCS_PER_DEADLINE_CHECK steps
 * (a counter, not a timer: the replica is single-threaded and a timer could not interrupt it). An
 * index whose query passes the deadline contributes no hits, the indices done before it keep
 * theirs, and the answer says `timed_out: true`, as ES answers with partial results. So no request
 * holds the replica longer than its timeout plus one check interval, and later requests are served.
 *
 * Every search has a deadline: DEFAULT_SEARCH_TIMEOUT_MS unless the request gives one (ES itself
 * defaults to none; `-1` asks for ES's "none" and gets this default). `_count` takes no timeout
 * parameter in ES; it runs under the default and answers ES's `timeout_exception` when it passes.
 */
import type { Clock } from '../../../core/clock.js';
import { SearchEngineError } from '../../search-engine-error.js';

export const DEFAULT_SEARCH_TIMEOUT_MS = 30_000;

/** Deadlines only need elapsed time: a monotonic clock where the caller injects none. */
export const monotonicClock: Clock = {
  nowMs: () => performance.now(),
  sleepUntil: () => Promise.reject(new Error('monotonicClock cannot sleep')),
};
/** Loop iterations between two clock reads (a power of two: the check is `(i & mask) === 0`). */
export const DOCS_PER_DEADLINE_CHECK = 4096;
const CHECK_MASK = DOCS_PER_DEADLINE_CHECK - 1;

/** Thrown inside the executor when the deadline passed; caught by the search executor. */
export class DeadlinePassed extends Error {
  override readonly name = 'DeadlinePassed';
}

export class Deadline {
  /** Clock reads made so far (tests bound the check granularity with it). */
  checks = 0;

  constructor(
    private readonly clock: Clock,
    readonly atMs: number,
  ) {}

  static after(clock: Clock, timeoutMs: number): Deadline {
    return new Deadline(clock, clock.nowMs() + timeoutMs);
  }

  /** Reads the clock; throws DeadlinePassed once it is at or past the deadline. */
  check(): void {
    this.checks++;
    if (this.clock.nowMs() >= this.atMs) throw new DeadlinePassed();
  }

  /** Call with a loop's counter: checks once every DOCS_PER_DEADLINE_CHECK iterations. */
  every(i: number): void {
    if ((i & CHECK_MASK) === 0) this.check();
  }
}

const UNIT_MS: Record<string, number> = {
  nanos: 1e-6,
  micros: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** ES's time value (`10ms`, `1s`, `2m`; `-1` or `0` for none) as ms, or the default when absent/none. */
export function parseSearchTimeoutMs(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_SEARCH_TIMEOUT_MS;
  const text = String(value).trim();
  if (text === '-1' || text === '0') return DEFAULT_SEARCH_TIMEOUT_MS;
  const m = /^(\d+(?:\.\d+)?)(nanos|micros|ms|s|m|h|d)$/.exec(text);
  if (m === null || text.length > 40) {
    throw new SearchEngineError(
      'parse_exception',
      `failed to parse setting [timeout] with value [${text.slice(0, 100)}] as a time value: unit is missing or unrecognized`,
      400,
    );
  }
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function countTimedOut(timeoutMs: number): SearchEngineError {
  return new SearchEngineError('timeout_exception', `count timed out after [${timeoutMs}ms]`, 504);
}
