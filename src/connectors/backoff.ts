/**
 * Exponential backoff with full jitter: attempt n (from 1) waits a random time in
 * [0, min(maxMs, initialMs * 2^(n-1))]. Jitter keeps many retrying writers from hammering a
 * recovering cluster in step. `random` is injectable for deterministic tests.
 */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export function backoffDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
