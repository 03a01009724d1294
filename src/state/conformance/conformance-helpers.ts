import type { Clock } from '../../core/clock.js';
import type { Key } from '../../core/key.js';
import { ManualClock } from '../../time/manual-clock.js';
import { DEFAULT_MAX_PARALLELISM, fullKeyGroupRange, type KeyGroupRange } from '../key-groups.js';
import {
  CollectingSnapshotWriter,
  type KeyedStateSnapshot,
  type KeyGroupSnapshot,
  type SnapshotToOptions,
} from '../keyed-state-snapshot.js';
import type { KeyedStateBackend, StateBackend } from '../state-backend.js';

/** Builds the backend under test; called once per test (or more), each call a fresh, empty store. */
export type StateBackendFactory = () => StateBackend | Promise<StateBackend>;

export const MAX_P = DEFAULT_MAX_PARALLELISM;

export interface OpenOptions {
  readonly clock?: Clock;
  readonly range?: KeyGroupRange;
  readonly maxParallelism?: number;
}

/** Opens one keyed backend of the backend under test (operator "conformance"). */
export async function openKeyed(
  factory: StateBackendFactory,
  options: OpenOptions = {},
): Promise<KeyedStateBackend> {
  const maxParallelism = options.maxParallelism ?? MAX_P;
  const backend = await factory();
  return backend.createKeyedStateBackend({
    operatorId: 'conformance',
    keyGroupRange: options.range ?? fullKeyGroupRange(maxParallelism),
    maxParallelism,
    clock: options.clock ?? new ManualClock(0),
  });
}

/** Streams a snapshot into memory and returns it whole, with the chunks it came in. */
export async function streamedSnapshot(
  backend: KeyedStateBackend,
  options?: SnapshotToOptions,
): Promise<{ snapshot: KeyedStateSnapshot; writer: CollectingSnapshotWriter }> {
  const writer = new CollectingSnapshotWriter();
  await backend.snapshotTo(writer, options);
  return { snapshot: writer.result(), writer };
}

const order = (a: unknown[], b: unknown[]): number => {
  const x = `${typeof a[0]}:${String(a[0])}:${String(a[1])}`;
  const y = `${typeof b[0]}:${String(b[0])}:${String(b[1])}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * A snapshot in a canonical form: key groups ascending, empty ones dropped, rows and timers sorted,
 * map-state user entries sorted. Two backends (or two snapshots of one) hold the same state exactly
 * when their normalized snapshots are deep-equal; the order rows come in is not part of the contract.
 */
export function normalize(snapshot: KeyedStateSnapshot): KeyedStateSnapshot {
  const groups = new Map<number, KeyGroupSnapshot>();
  for (const g of snapshot.keyGroups) {
    const into = groups.get(g.keyGroup) ?? { keyGroup: g.keyGroup, states: {}, timers: {} };
    for (const [name, t] of Object.entries(g.states)) {
      const target = (into.states[name] ??= { kind: t.kind, entries: [] });
      for (const row of t.entries) {
        const copy = [...row];
        if (t.kind === 'map') copy[1] = [...(row[1] as unknown[][])].sort(order);
        target.entries.push(copy);
      }
    }
    for (const [name, timers] of Object.entries(g.timers)) (into.timers[name] ??= []).push(...timers);
    groups.set(g.keyGroup, into);
  }
  const keyGroups = [...groups.values()]
    .map((g) => {
      for (const t of Object.values(g.states)) t.entries.sort(order);
      for (const t of Object.values(g.timers))
        t.sort((a, b) => a[0] - b[0] || order([a[1], a[2]], [b[1], b[2]]) || a[3] - b[3]);
      return g;
    })
    .filter((g) => Object.keys(g.states).length > 0 || Object.keys(g.timers).length > 0)
    .sort((a, b) => a.keyGroup - b.keyGroup);
  return { formatVersion: snapshot.formatVersion, maxParallelism: snapshot.maxParallelism, keyGroups };
}

/** Every key in a snapshot's state `name`. */
export function keysIn(snapshot: KeyedStateSnapshot, name: string): Key[] {
  return snapshot.keyGroups.flatMap((g) => (g.states[name]?.entries ?? []).map((row) => row[0] as Key));
}
