import { ConfigError, SluiceError } from '../core/errors.js';
import type { Key } from '../core/key.js';

/**
 * The keyed-state snapshot format (format 1): plain data that survives `structuredClone` and
 * `v8.serialize` (not JSON: namespaces and timer fields may be ±Infinity or NaN).
 *
 * Whole snapshot (`KeyedStateBackend.snapshot()`):
 *   { formatVersion: 1, maxParallelism, keyGroups: KeyGroupSnapshot[] }  (one entry per key group, ascending)
 * Streamed snapshot (`KeyedStateBackend.snapshotTo(writer)`): the writer receives
 *   start(header) once, then write(chunk) for each chunk, then finish();
 *   header = { formatVersion: 1, maxParallelism }, chunk = KeyGroupSnapshot[] (pieces).
 * A piece holds some rows of one key group; a key group may appear in several chunks, in any
 * order, and its pieces together are its rows. `mergeSnapshotChunks` turns chunks into the whole form.
 *
 * A key group piece is `{ keyGroup, states: { [name]: table }, timers: { [service]: timers } }`.
 * Each state table is `{ kind, entries }` with entries `[key, stored]` (value/list/map state; map
 * state stores `[userKey, stored][]`) or `[key, namespace, stored]` (namespaced). With TTL, `stored`
 * wraps the value as `{ value, lastAccessMs }` (per element for lists, per entry for maps). Expired
 * entries (at the snapshot's start) are never written. Timers are `[timestampMs, key, namespace,
 * domain]`, domain 0 = event time, 1 = processing time. Grouping by key group lets a restore keep only
 * the groups it owns, so a snapshot can be split over more instances or merged into fewer.
 *
 * Row: one key's entry in one state table, or one timer. Chunks hold at most `maxRowsPerChunk` rows.
 */
export interface KeyedStateSnapshot {
  readonly formatVersion: 1;
  readonly maxParallelism: number;
  readonly keyGroups: readonly KeyGroupSnapshot[];
}

export type StateKind = 'value' | 'list' | 'map' | 'namespaced';

export interface StateTableSnapshot {
  readonly kind: StateKind;
  readonly entries: unknown[][];
}

export type TimerSnapshot = [timestampMs: number, key: Key, namespace: number, domain: 0 | 1];

export interface KeyGroupSnapshot {
  readonly keyGroup: number;
  readonly states: Record<string, StateTableSnapshot>;
  readonly timers: Record<string, TimerSnapshot[]>;
}

export interface KeyedStateSnapshotHeader {
  readonly formatVersion: 1;
  readonly maxParallelism: number;
}

/** Pieces of key groups; see the format above. Owned by the writer once handed over (already a deep copy). */
export type KeyedStateSnapshotChunk = readonly KeyGroupSnapshot[];

/**
 * Receives a streamed keyed-state snapshot. The backend awaits each call before building the next
 * chunk and yields to the event loop between chunks, so a slow writer slows the snapshot, never
 * the job. A checkpoint streams it into a storage part (`checkpoint/keyed-state-part.ts`).
 */
export interface KeyedStateSnapshotWriter {
  start(header: KeyedStateSnapshotHeader): void | Promise<void>;
  write(chunk: KeyedStateSnapshotChunk): void | Promise<void>;
  /** After the last chunk; the snapshot is complete when this resolves. */
  finish(): void | Promise<void>;
}

export interface SnapshotToOptions {
  /** Upper bound of rows per chunk (default 4096): the most work done between two yields. */
  readonly maxRowsPerChunk?: number;
}

export const DEFAULT_MAX_ROWS_PER_CHUNK = 4096;

export const SNAPSHOT_FORMAT_VERSION = 1;

/** A snapshot or restore asked for at a moment it cannot run (one already running, backend disposed). */
export class StateSnapshotError extends SluiceError {
  override readonly name = 'StateSnapshotError';
}

/** Refuses a header the backend cannot read; shared by every backend's restore. */
export function checkSnapshotHeader(header: KeyedStateSnapshotHeader, maxParallelism: number): void {
  if (header.formatVersion !== SNAPSHOT_FORMAT_VERSION)
    throw new ConfigError(`unsupported state snapshot format ${String(header.formatVersion)}`);
  if (header.maxParallelism !== maxParallelism) {
    throw new ConfigError(
      `state snapshot was taken with maxParallelism ${header.maxParallelism}, this job uses ${maxParallelism}; key groups would not line up`,
    );
  }
}

/** Adds the rows of `piece` to `into` (same key group). */
function mergePiece(into: KeyGroupSnapshot, piece: KeyGroupSnapshot): void {
  for (const [name, table] of Object.entries(piece.states)) {
    const target = (into.states[name] ??= { kind: table.kind, entries: [] });
    if (target.kind !== table.kind)
      throw new ConfigError(
        `state "${name}" appears as ${target.kind} and ${table.kind} state in one snapshot`,
      );
    for (const row of table.entries) target.entries.push(row);
  }
  for (const [name, timers] of Object.entries(piece.timers)) {
    const target = (into.timers[name] ??= []);
    for (const t of timers) target.push(t);
  }
}

/** Collects chunks into the whole-snapshot form (one entry per key group, ascending). */
export function mergeSnapshotChunks(
  header: KeyedStateSnapshotHeader,
  chunks: Iterable<KeyedStateSnapshotChunk>,
): KeyedStateSnapshot {
  const groups = new Map<number, KeyGroupSnapshot>();
  for (const chunk of chunks) {
    for (const piece of chunk) {
      let g = groups.get(piece.keyGroup);
      if (g === undefined) {
        g = { keyGroup: piece.keyGroup, states: {}, timers: {} };
        groups.set(piece.keyGroup, g);
      }
      mergePiece(g, piece);
    }
  }
  const keyGroups = [...groups.values()].sort((a, b) => a.keyGroup - b.keyGroup);
  return { formatVersion: header.formatVersion, maxParallelism: header.maxParallelism, keyGroups };
}

/** A writer that keeps everything in memory; `result()` gives the whole snapshot. For tests and small state. */
export class CollectingSnapshotWriter implements KeyedStateSnapshotWriter {
  private header: KeyedStateSnapshotHeader | undefined;
  private finished = false;
  readonly chunks: KeyedStateSnapshotChunk[] = [];

  start(header: KeyedStateSnapshotHeader): void {
    this.header = header;
  }

  write(chunk: KeyedStateSnapshotChunk): void {
    this.chunks.push(chunk);
  }

  finish(): void {
    this.finished = true;
  }

  /** Rows in one chunk, as the backend counts them against `maxRowsPerChunk`. */
  static rowsIn(chunk: KeyedStateSnapshotChunk): number {
    let n = 0;
    for (const piece of chunk) {
      for (const t of Object.values(piece.states)) n += t.entries.length;
      for (const t of Object.values(piece.timers)) n += t.length;
    }
    return n;
  }

  result(): KeyedStateSnapshot {
    if (this.header === undefined || !this.finished) throw new Error('the snapshot has not finished');
    return mergeSnapshotChunks(this.header, this.chunks);
  }
}
