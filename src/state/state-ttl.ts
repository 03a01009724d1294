import { ConfigError } from '../core/errors.js';

/**
 * Time-to-live for keyed state, in Flink's terms.
 * - `ttlMs`: how long an entry lives after its last update (or access, see `updateType`).
 * - `updateType`: `onCreateAndWrite` (default) refreshes the entry's clock on writes only;
 *   `onReadAndWrite` also on reads.
 * - `visibility`: `neverReturnExpired` (default) hides an expired entry even if it is still stored;
 *   `returnExpiredIfNotCleanedUp` returns it once more if cleanup has not removed it yet.
 * - `cleanup.entriesPerAccess`: every access to the state also checks this many other entries and
 *   removes expired ones (Flink's incremental cleanup), which keeps memory bounded while a job runs;
 *   snapshots never contain expired entries.
 * Time comes from the backend's clock (processing time), so tests drive expiry with a manual clock.
 */
export interface StateTtlConfig {
  readonly ttlMs: number;
  readonly updateType?: 'onCreateAndWrite' | 'onReadAndWrite';
  readonly visibility?: 'neverReturnExpired' | 'returnExpiredIfNotCleanedUp';
  readonly cleanup?: { readonly entriesPerAccess?: number };
}

/** A TTL config with every default filled in; built once per state. */
export interface TtlPolicy {
  readonly ttlMs: number;
  readonly refreshOnRead: boolean;
  readonly returnExpired: boolean;
  readonly entriesPerAccess: number;
}

export const DEFAULT_TTL_CLEANUP_ENTRIES_PER_ACCESS = 5;

export function ttlPolicy(config: StateTtlConfig | undefined): TtlPolicy | undefined {
  if (config === undefined) return undefined;
  if (!(config.ttlMs > 0)) throw new ConfigError(`state TTL must be > 0 ms, got ${config.ttlMs}`);
  const entriesPerAccess = config.cleanup?.entriesPerAccess ?? DEFAULT_TTL_CLEANUP_ENTRIES_PER_ACCESS;
  if (!(entriesPerAccess >= 0))
    throw new ConfigError(`TTL cleanup entriesPerAccess must be >= 0, got ${entriesPerAccess}`);
  return {
    ttlMs: config.ttlMs,
    refreshOnRead: config.updateType === 'onReadAndWrite',
    returnExpired: config.visibility === 'returnExpiredIfNotCleanedUp',
    entriesPerAccess,
  };
}

/** A stored value with the time its TTL clock was last reset. */
export interface TtlValue<V> {
  value: V;
  lastAccessMs: number;
}

export function isExpired(entry: { lastAccessMs: number }, policy: TtlPolicy, nowMs: number): boolean {
  return entry.lastAccessMs + policy.ttlMs <= nowMs;
}
