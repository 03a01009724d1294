import type { Key } from '../../core/key.js';
import { keyGroupOf } from '../key-groups.js';
import type {
  KeyedStateSnapshotChunk,
  KeyGroupSnapshot,
  StateKind,
  TimerSnapshot,
} from '../keyed-state-snapshot.js';
import type { TimerQueue } from '../timer-queue.js';
import type { TableSnapshotCursor } from './copy-on-write-snapshot.js';

/** A state table taking part in a snapshot run. */
export interface FrozenTable {
  readonly name: string;
  readonly kind: StateKind;
  readonly cursor: TableSnapshotCursor;
}

/** Rows restored for a state the operator has not asked for yet; written as they are. */
export interface FrozenRows {
  readonly name: string;
  readonly kind: StateKind;
  readonly rows: readonly unknown[][];
}

/** Timers of all services, frozen at the start into parallel arrays (cheap: numbers and key references). */
class FrozenTimers {
  readonly services: string[] = [];
  readonly serviceIndex: number[] = [];
  readonly timestampsMs: number[] = [];
  readonly keys: Key[] = [];
  readonly namespaces: number[] = [];
  readonly domains: Array<0 | 1> = [];

  add(service: string, domain: 0 | 1, queue: Iterable<[number, Key, number]>): void {
    let s = this.services.indexOf(service);
    if (s < 0) s = this.services.push(service) - 1;
    for (const [ts, key, ns] of queue) {
      this.serviceIndex.push(s);
      this.timestampsMs.push(ts);
      this.keys.push(key);
      this.namespaces.push(ns);
      this.domains.push(domain);
    }
  }

  get length(): number {
    return this.timestampsMs.length;
  }
}

/**
 * One snapshot of a heap backend, from the freeze at its start to the last chunk. The backend calls
 * `nextChunk` until it returns undefined: synchronously for `snapshot()`, with a yield to the event
 * loop between calls for `snapshotTo()`. Each chunk visits at most `maxRows` entries and timers and
 * is deep-copied before it is handed out, so the writer owns it and later mutations cannot reach it.
 */
export class HeapSnapshotRun {
  private tableIndex = 0;
  private pendingIndex = 0;
  private pendingRow = 0;
  private timerIndex = 0;
  private readonly timers = new FrozenTimers();

  constructor(
    private readonly maxParallelism: number,
    private readonly tables: readonly FrozenTable[],
    private readonly pending: readonly FrozenRows[],
    pendingTimers: ReadonlyArray<{ name: string; timers: readonly TimerSnapshot[] }>,
    timerServices: Iterable<[string, { eventTimers: TimerQueue; processingTimers: TimerQueue }]>,
  ) {
    for (const { name, timers } of pendingTimers) {
      for (const [ts, key, ns, domain] of timers) this.timers.add(name, domain, [[ts, key, ns]]);
    }
    for (const [name, service] of timerServices) {
      this.timers.add(name, 0, service.eventTimers.entries());
      this.timers.add(name, 1, service.processingTimers.entries());
    }
  }

  nextChunk(maxRows: number): KeyedStateSnapshotChunk | undefined {
    const pieces = new Map<number, KeyGroupSnapshot>();
    const pieceFor = (key: Key): KeyGroupSnapshot => {
      const kg = keyGroupOf(key, this.maxParallelism);
      let piece = pieces.get(kg);
      if (piece === undefined) {
        piece = { keyGroup: kg, states: {}, timers: {} };
        pieces.set(kg, piece);
      }
      return piece;
    };
    let budget = maxRows;
    let visited = false;
    while (budget > 0 && this.tableIndex < this.tables.length) {
      const t = this.tables[this.tableIndex] as FrozenTable;
      if (t.cursor.done) {
        this.tableIndex++;
        continue;
      }
      visited = true;
      budget -= t.cursor.take(budget, (row) => {
        (pieceFor(row[0] as Key).states[t.name] ??= { kind: t.kind, entries: [] }).entries.push(row);
      });
    }
    while (budget > 0 && this.pendingIndex < this.pending.length) {
      const p = this.pending[this.pendingIndex] as FrozenRows;
      visited = true;
      for (; this.pendingRow < p.rows.length && budget > 0; this.pendingRow++, budget--) {
        const row = p.rows[this.pendingRow] as unknown[];
        (pieceFor(row[0] as Key).states[p.name] ??= { kind: p.kind, entries: [] }).entries.push(row);
      }
      if (this.pendingRow >= p.rows.length) {
        this.pendingIndex++;
        this.pendingRow = 0;
      }
    }
    const t = this.timers;
    for (; budget > 0 && this.timerIndex < t.length; this.timerIndex++, budget--) {
      visited = true;
      const i = this.timerIndex;
      const key = t.keys[i] as Key;
      const timer: TimerSnapshot = [
        t.timestampsMs[i] as number,
        key,
        t.namespaces[i] as number,
        t.domains[i] as 0 | 1,
      ];
      (pieceFor(key).timers[t.services[t.serviceIndex[i] as number] as string] ??= []).push(timer);
    }
    if (!visited) return undefined;
    return structuredClone([...pieces.values()]);
  }
}
