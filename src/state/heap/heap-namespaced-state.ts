import type { Key } from '../../core/key.js';
import type { NamespacedState } from '../state-backend.js';
import { NamespacedTableSnapshot, type TableSnapshotCursor } from './copy-on-write-snapshot.js';
import type { HeapStateTable, KeyContext } from './heap-state-table.js';

/**
 * Namespaced state on the heap, namespace first: `Map<namespace, Map<key, V>>`. Windows of one
 * operator share few namespaces (window starts) across many keys, so this layout keeps one inner map
 * per open window instead of one per key, and a fired window's map is dropped whole. While a
 * snapshot runs, every get/set/delete first lets it stash the entry (`snapshot.touch`).
 */
export class HeapNamespacedState<V> implements NamespacedState<V>, HeapStateTable {
  readonly kind = 'namespaced';
  private readonly byNamespace = new Map<number, Map<Key, V>>();
  /** Records of a batch mostly share a window: remember the last namespace's map. */
  private lastNamespace = Number.NaN;
  private lastKeys: Map<Key, V> | undefined;
  private snapshot: NamespacedTableSnapshot<V> | undefined;

  constructor(private readonly ctx: KeyContext) {}

  private keysOf(namespace: number): Map<Key, V> | undefined {
    if (namespace === this.lastNamespace) return this.lastKeys;
    const keys = this.byNamespace.get(namespace);
    if (keys !== undefined) {
      this.lastNamespace = namespace;
      this.lastKeys = keys;
    }
    return keys;
  }

  get(namespace: number): V | undefined {
    if (this.snapshot !== undefined) this.snapshot.touch(namespace, this.ctx.key);
    return this.keysOf(namespace)?.get(this.ctx.key);
  }

  set(namespace: number, value: V): void {
    if (this.snapshot !== undefined) this.snapshot.touch(namespace, this.ctx.key);
    let keys = this.keysOf(namespace);
    if (keys === undefined) {
      keys = new Map();
      this.byNamespace.set(namespace, keys);
    }
    keys.set(this.ctx.key, value);
  }

  delete(namespace: number): void {
    if (this.snapshot !== undefined) this.snapshot.touch(namespace, this.ctx.key);
    const keys = this.keysOf(namespace);
    if (keys === undefined) return;
    keys.delete(this.ctx.key);
    if (keys.size === 0) {
      this.byNamespace.delete(namespace);
      this.lastNamespace = Number.NaN;
      this.lastKeys = undefined;
    }
  }

  *entries(): Iterable<[Key, number, V]> {
    for (const [ns, keys] of this.byNamespace) {
      for (const [key, v] of keys) {
        if (this.snapshot !== undefined) this.snapshot.touch(ns, key);
        yield [key, ns, v];
      }
    }
  }

  keyCount(): number {
    return this.liveKeys().length;
  }

  liveKeys(): Key[] {
    const keys = new Set<Key>();
    for (const m of this.byNamespace.values()) for (const k of m.keys()) keys.add(k);
    return [...keys];
  }

  beginSnapshot(): TableSnapshotCursor {
    this.snapshot = new NamespacedTableSnapshot(this.byNamespace);
    return this.snapshot;
  }

  endSnapshot(): void {
    this.snapshot = undefined;
  }

  restoreRow(row: unknown[]): void {
    this.ctx.key = row[0] as Key;
    this.set(row[1] as number, row[2] as V);
  }
}
