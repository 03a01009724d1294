import { setImmediate } from 'node:timers/promises';
import type { Clock } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import type { Key } from '../../core/key.js';
import { inKeyGroupRange, type KeyGroupRange } from '../key-groups.js';
import type { ListState, MapState, ValueState } from '../keyed-state.js';
import {
  checkSnapshotHeader,
  DEFAULT_MAX_ROWS_PER_CHUNK,
  type KeyedStateSnapshot,
  type KeyedStateSnapshotChunk,
  type KeyedStateSnapshotHeader,
  type KeyedStateSnapshotWriter,
  mergeSnapshotChunks,
  SNAPSHOT_FORMAT_VERSION,
  type SnapshotToOptions,
  StateSnapshotError as StateError,
  type StateKind,
  type TimerSnapshot,
} from '../keyed-state-snapshot.js';
import type { KeyedStateBackend, NamespacedState, StateBackend } from '../state-backend.js';
import type { ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from '../state-descriptors.js';
import { KeyedTimerService } from '../timer-service.js';
import { HeapListState } from './heap-list-state.js';
import { HeapMapState } from './heap-map-state.js';
import { HeapNamespacedState } from './heap-namespaced-state.js';
import { type FrozenRows, type FrozenTable, HeapSnapshotRun } from './heap-snapshot-run.js';
import type { HeapStateTable, KeyContext } from './heap-state-table.js';
import { HeapValueState } from './heap-value-state.js';

/**
 * Keyed state in JS maps, the default backend: fastest, bounded by the heap, lost on exit unless
 * snapshotted. Snapshots are deep copies (`structuredClone`), so state values must be cloneable data
 * (no functions or class instances with behaviour). `snapshotTo` streams a snapshot in chunks while
 * the job runs, with copy-on-write tables (`copy-on-write-snapshot.ts`): an operator must not keep a
 * value it got from state before the snapshot started and change it afterwards without reading it
 * again (operators read state per record, so they do not).
 */
export class HeapKeyedStateBackend implements KeyedStateBackend {
  private readonly ctx: KeyContext = { key: '' };
  private readonly tables = new Map<string, HeapStateTable>();
  private readonly timerServices = new Map<string, KeyedTimerService>();
  /** Rows restored for states the operator has not asked for yet, by state name. */
  private readonly pendingRows = new Map<string, { kind: StateKind; rows: unknown[][] }>();
  private readonly pendingTimers = new Map<string, TimerSnapshot[]>();
  /** The snapshot running now, if any (one at a time). */
  private run: HeapSnapshotRun | undefined;

  constructor(
    readonly keyGroupRange: KeyGroupRange,
    readonly maxParallelism: number,
    private readonly clock: Clock,
  ) {}

  setCurrentKey(key: Key): void {
    this.ctx.key = key;
  }

  getCurrentKey(): Key {
    return this.ctx.key;
  }

  private table<T extends HeapStateTable>(name: string, kind: StateKind, create: () => T): T {
    const existing = this.tables.get(name);
    if (existing !== undefined) {
      if (existing.kind !== kind)
        throw new ConfigError(`state "${name}" is already registered as ${existing.kind} state, not ${kind}`);
      return existing as T;
    }
    const table = create();
    const pending = this.pendingRows.get(name);
    if (pending !== undefined) {
      if (pending.kind !== kind)
        throw new ConfigError(`restored state "${name}" is ${pending.kind} state, not ${kind}`);
      const saved = this.ctx.key;
      // A running snapshot still holds these rows: the table must not share (and mutate) them.
      const rows = this.run === undefined ? pending.rows : structuredClone(pending.rows);
      for (const row of rows) table.restoreRow(row);
      this.ctx.key = saved;
      this.pendingRows.delete(name);
    }
    this.tables.set(name, table);
    return table;
  }

  getValueState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.table(descriptor.name, 'value', () => new HeapValueState(this.ctx, descriptor, this.clock));
  }

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.table(descriptor.name, 'list', () => new HeapListState<T>(this.ctx, descriptor, this.clock));
  }

  getMapState<V>(descriptor: MapStateDescriptor<V>): MapState<V> {
    return this.table(descriptor.name, 'map', () => new HeapMapState<V>(this.ctx, descriptor, this.clock));
  }

  getNamespacedState<V>(name: string): NamespacedState<V> {
    return this.table(name, 'namespaced', () => new HeapNamespacedState<V>(this.ctx));
  }

  getTimerService(name: string, scheduleProcessingTime: (timestampMs: number) => void): KeyedTimerService {
    let service = this.timerServices.get(name);
    if (service === undefined) {
      service = new KeyedTimerService(scheduleProcessingTime);
      for (const [ts, key, ns, domain] of this.pendingTimers.get(name) ?? []) {
        if (domain === 0) service.registerEventTimeTimer(key, ns, ts);
        else service.registerProcessingTimeTimer(key, ns, ts);
      }
      this.pendingTimers.delete(name);
      this.timerServices.set(name, service);
    }
    return service;
  }

  keyCount(name: string): number {
    return this.tables.get(name)?.keyCount() ?? this.keys(name).length;
  }

  keys(name: string): Key[] {
    const table = this.tables.get(name);
    if (table !== undefined) return table.liveKeys(this.clock.nowMs());
    // Restored but not registered yet: the rows' keys (TTL is applied once the state is registered).
    const rows = this.pendingRows.get(name)?.rows ?? [];
    return [...new Set(rows.map((row) => row[0] as Key))];
  }

  /** Freezes every table, the restored rows not claimed yet and the timers; switches on copy-on-write. */
  private beginRun(): HeapSnapshotRun {
    if (this.run !== undefined) throw new StateError('a snapshot of this keyed state is already running');
    const nowMs = this.clock.nowMs();
    const tables: FrozenTable[] = [];
    for (const [name, table] of this.tables)
      tables.push({ name, kind: table.kind, cursor: table.beginSnapshot(nowMs) });
    const pending: FrozenRows[] = [];
    for (const [name, p] of this.pendingRows) pending.push({ name, kind: p.kind, rows: p.rows });
    const pendingTimers = [...this.pendingTimers].map(([name, timers]) => ({ name, timers }));
    const run = new HeapSnapshotRun(this.maxParallelism, tables, pending, pendingTimers, this.timerServices);
    this.run = run;
    return run;
  }

  private endRun(run: HeapSnapshotRun): void {
    if (this.run !== run) return;
    this.run = undefined;
    for (const table of this.tables.values()) table.endSnapshot();
  }

  snapshot(): KeyedStateSnapshot {
    const run = this.beginRun();
    const chunks: KeyedStateSnapshotChunk[] = [];
    try {
      for (
        let chunk = run.nextChunk(Number.POSITIVE_INFINITY);
        chunk !== undefined;
        chunk = run.nextChunk(Number.POSITIVE_INFINITY)
      )
        chunks.push(chunk);
    } finally {
      this.endRun(run);
    }
    // One unbounded chunk already holds one piece per key group.
    if (chunks.length === 1) {
      const keyGroups = [...(chunks[0] as KeyedStateSnapshotChunk)].sort((a, b) => a.keyGroup - b.keyGroup);
      return { ...this.header(), keyGroups };
    }
    return mergeSnapshotChunks(this.header(), chunks);
  }

  async snapshotTo(writer: KeyedStateSnapshotWriter, options: SnapshotToOptions = {}): Promise<void> {
    const maxRows = options.maxRowsPerChunk ?? DEFAULT_MAX_ROWS_PER_CHUNK;
    if (!(Number.isInteger(maxRows) && maxRows >= 1))
      throw new ConfigError(`maxRowsPerChunk must be an integer >= 1, got ${maxRows}`);
    const run = this.beginRun();
    try {
      await writer.start(this.header());
      for (;;) {
        // Yield first: the job runs between any two chunks, also between the freeze and the first one.
        await setImmediate();
        if (this.run !== run)
          throw new StateError('the keyed state was disposed while a snapshot was running');
        const chunk = run.nextChunk(maxRows);
        if (chunk === undefined) break;
        if (chunk.length > 0) await writer.write(chunk);
      }
      await writer.finish();
    } finally {
      this.endRun(run);
    }
  }

  private header(): KeyedStateSnapshotHeader {
    return { formatVersion: SNAPSHOT_FORMAT_VERSION, maxParallelism: this.maxParallelism };
  }

  restore(snapshot: KeyedStateSnapshot): void {
    checkSnapshotHeader(snapshot, this.maxParallelism);
    this.restoreChunk(snapshot.keyGroups);
  }

  async restoreFrom(
    header: KeyedStateSnapshotHeader,
    chunks: Iterable<KeyedStateSnapshotChunk> | AsyncIterable<KeyedStateSnapshotChunk>,
  ): Promise<void> {
    checkSnapshotHeader(header, this.maxParallelism);
    for await (const chunk of chunks) this.restoreChunk(chunk);
  }

  /** Queues the rows of the key groups this backend owns; tables pick them up when first asked for. */
  private restoreChunk(chunk: KeyedStateSnapshotChunk): void {
    if (this.run !== undefined)
      throw new StateError('cannot restore keyed state while a snapshot is running');
    for (const g of chunk) {
      if (!inKeyGroupRange(this.keyGroupRange, g.keyGroup)) continue;
      const copy = structuredClone(g);
      for (const [name, table] of Object.entries(copy.states)) {
        const pending = this.pendingRows.get(name) ?? { kind: table.kind, rows: [] };
        if (pending.kind !== table.kind)
          throw new ConfigError(
            `restored state "${name}" is ${table.kind} state in one key group and ${pending.kind} in another`,
          );
        for (const row of table.entries) pending.rows.push(row);
        this.pendingRows.set(name, pending);
      }
      for (const [name, timers] of Object.entries(copy.timers)) {
        const list = this.pendingTimers.get(name) ?? [];
        for (const t of timers) list.push(t);
        this.pendingTimers.set(name, list);
      }
    }
  }

  dispose(): void {
    if (this.run !== undefined) this.endRun(this.run);
    this.tables.clear();
    this.timerServices.clear();
    this.pendingRows.clear();
    this.pendingTimers.clear();
  }
}

/** The default state backend: keyed state on the JS heap. */
export class HeapStateBackend implements StateBackend {
  readonly name = 'heap';
  createKeyedStateBackend(options: {
    operatorId: string;
    keyGroupRange: KeyGroupRange;
    maxParallelism: number;
    clock: Clock;
  }): KeyedStateBackend {
    return new HeapKeyedStateBackend(options.keyGroupRange, options.maxParallelism, options.clock);
  }
}
