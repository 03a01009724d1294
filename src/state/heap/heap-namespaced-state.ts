import type { Key } from '../../core/key.js';
import type { NamespacedState } from '../state-backend.js';
import type { HeapStateTable, KeyContext } from './heap-state-table.js';

/**
 * Namespaced state on the heap, namespace first: `Map<namespace, Map<key, V>>`. Windows of one
 * operator share few namespaces (window starts) across many keys, so this layout keeps one inner map
 * per open window instead of one per key, and a fired window's map is dropped whole.
 */
export class HeapNamespacedState<V> implements NamespacedState<V>, HeapStateTable {
  readonly kind = 'namespaced';
  private readonly byNamespace = new Map<number, Map<Key, V>>();
  /** Records of a batch mostly share a window: remember the last namespace's map. */
  private lastNamespace = Number.NaN;
  private lastKeys: Map<Key, V> | undefined;

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
    return this.keysOf(namespace)?.get(this.ctx.key);
  }

  set(namespace: number, value: V): void {
    let keys = this.keysOf(namespace);
    if (keys === undefined) {
      keys = new Map();
      this.byNamespace.set(namespace, keys);
    }
    keys.set(this.ctx.key, value);
  }

  delete(namespace: number): void {
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
    for (const [ns, keys] of this.byNamespace) for (const [key, v] of keys) yield [key, ns, v];
  }

  keyCount(): number {
    const keys = new Set<Key>();
    for (const m of this.byNamespace.values()) for (const k of m.keys()) keys.add(k);
    return keys.size;
  }

  *snapshotRows(): Iterable<unknown[]> {
    for (const [key, ns, v] of this.entries()) yield [key, ns, v];
  }

  restoreRow(row: unknown[]): void {
    this.ctx.key = row[0] as Key;
    this.set(row[1] as number, row[2] as V);
  }
}
