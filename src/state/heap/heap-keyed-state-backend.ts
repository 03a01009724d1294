import type { Clock } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import type { Key } from '../../core/key.js';
import { inKeyGroupRange, type KeyGroupRange, keyGroupOf } from '../key-groups.js';
import type { ListState, MapState, ValueState } from '../keyed-state.js';
import type {
  KeyedStateBackend,
  KeyedStateSnapshot,
  KeyGroupSnapshot,
  NamespacedState,
  StateBackend,
  StateKind,
  TimerSnapshot,
} from '../state-backend.js';
import type { ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from '../state-descriptors.js';
import { KeyedTimerService } from '../timer-service.js';
import { HeapListState } from './heap-list-state.js';
import { HeapMapState } from './heap-map-state.js';
import { HeapNamespacedState } from './heap-namespaced-state.js';
import type { HeapStateTable, KeyContext } from './heap-state-table.js';
import { HeapValueState } from './heap-value-state.js';

/**
 * Keyed state in JS maps, the default backend: fastest, bounded by the heap, lost on exit unless
 * snapshotted. Snapshots are deep copies (`structuredClone`), so state values must be cloneable data
 * (no functions or class instances with behaviour).
 */
export class HeapKeyedStateBackend implements KeyedStateBackend {
  private readonly ctx: KeyContext = { key: '' };
  private readonly tables = new Map<string, HeapStateTable>();
  private readonly timerServices = new Map<string, KeyedTimerService>();
  /** Rows restored for states the operator has not asked for yet, by state name. */
  private readonly pendingRows = new Map<string, { kind: StateKind; rows: unknown[][] }>();
  private readonly pendingTimers = new Map<string, TimerSnapshot[]>();

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
      for (const row of pending.rows) table.restoreRow(row);
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
    return this.tables.get(name)?.keyCount() ?? 0;
  }

  snapshot(): KeyedStateSnapshot {
    const nowMs = this.clock.nowMs();
    const groups = new Map<number, KeyGroupSnapshot>();
    const group = (key: Key): KeyGroupSnapshot => {
      const kg = keyGroupOf(key, this.maxParallelism);
      let g = groups.get(kg);
      if (g === undefined) {
        g = { keyGroup: kg, states: {}, timers: {} };
        groups.set(kg, g);
      }
      return g;
    };
    for (const [name, table] of this.tables) {
      for (const row of table.snapshotRows(nowMs)) {
        const g = group(row[0] as Key);
        (g.states[name] ??= { kind: table.kind, entries: [] }).entries.push(row);
      }
    }
    for (const [name, service] of this.timerServices) {
      for (const [domain, queue] of [
        [0, service.eventTimers],
        [1, service.processingTimers],
      ] as const) {
        for (const [ts, key, ns] of queue.entries())
          (group(key).timers[name] ??= []).push([ts, key, ns, domain]);
      }
    }
    const keyGroups = [...groups.values()].sort((a, b) => a.keyGroup - b.keyGroup);
    return structuredClone({ formatVersion: 1, maxParallelism: this.maxParallelism, keyGroups });
  }

  restore(snapshot: KeyedStateSnapshot): void {
    if (snapshot.formatVersion !== 1)
      throw new ConfigError(`unsupported state snapshot format ${String(snapshot.formatVersion)}`);
    if (snapshot.maxParallelism !== this.maxParallelism) {
      throw new ConfigError(
        `state snapshot was taken with maxParallelism ${snapshot.maxParallelism}, this job uses ${this.maxParallelism}; key groups would not line up`,
      );
    }
    const copy = structuredClone(snapshot);
    for (const g of copy.keyGroups) {
      if (!inKeyGroupRange(this.keyGroupRange, g.keyGroup)) continue;
      for (const [name, table] of Object.entries(g.states)) {
        const pending = this.pendingRows.get(name) ?? { kind: table.kind, rows: [] };
        pending.rows.push(...table.entries);
        this.pendingRows.set(name, pending);
      }
      for (const [name, timers] of Object.entries(g.timers)) {
        const list = this.pendingTimers.get(name) ?? [];
        list.push(...timers);
        this.pendingTimers.set(name, list);
      }
    }
  }

  dispose(): void {
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
