import type { KeyedStateSnapshot } from '../state/state-backend.js';
import type { SplitProgressSnapshot } from '../time/split-watermarks.js';

/**
 * A whole job's state at one message boundary (format 1), plain data that survives structuredClone
 * and v8.serialize (not JSON: keyed state may hold ±Infinity namespaces):
 *   { formatVersion: 1, jobName, takenAtMs,
 *     sources:   { [sourceId]: { splits: [split, resumeState][], watermarks?: { splits: [split, progress][] } } },
 *     operators: { [operatorId]: { instances: (state | undefined)[], keyed?: KeyedStateSnapshot } },
 *     sinks:     { [sinkId]: state | undefined } }
 * Split resume states are those of the last message each source had fully processed, so the cut is
 * consistent: every record before it is reflected in operator state and was flushed to the sinks
 * (they flush before the snapshot), none after it. Keyed state is merged over a node's instances
 * and regrouped by key group, so a job restored with another parallelism gets its keys back.
 * Taken by `JobClient.snapshot()`; a run restores from it with `ExecutionOptions.restoreFrom`.
 * The checkpoint coordinator stores these through a CheckpointStorage.
 */
export interface JobSnapshot {
  readonly formatVersion: 1;
  readonly jobName: string;
  readonly takenAtMs: number;
  readonly sources: Readonly<Record<string, SourceSnapshot>>;
  readonly operators: Readonly<Record<string, OperatorSnapshot>>;
  readonly sinks: Readonly<Record<string, unknown>>;
}

export interface SourceSnapshot {
  readonly splits: ReadonlyArray<readonly [string, unknown]>;
  readonly watermarks?: { readonly splits: ReadonlyArray<readonly [string, SplitProgressSnapshot]> };
}

export interface OperatorSnapshot {
  readonly instances: readonly unknown[];
  readonly keyed?: KeyedStateSnapshot;
}
