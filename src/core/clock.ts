/**
 * The one way sluice reads "now". Anything time-dependent (processing-time windows and timers,
 * TTL, rate limits, idleness, batching intervals) takes a Clock, so tests drive time with a manual
 * clock instead of sleeping. Implementations live in `time/`.
 */
export interface Clock {
  /** Epoch milliseconds. */
  nowMs(): number;
  /**
   * Resolves once `nowMs() >= deadlineMs`, or early (without rejecting) when `signal` aborts.
   * A manual clock resolves it when advanced past the deadline.
   */
  sleepUntil(deadlineMs: number, signal?: AbortSignal): Promise<void>;
}
