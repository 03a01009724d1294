import type { Key } from '../core/key.js';

/**
 * Key groups, as in Flink: every key hashes to one of `maxParallelism` key groups, and each parallel
 * instance of a keyed operator owns a contiguous range of them. State is snapshotted per key group,
 * so a job can later be rescaled (or spread over worker threads/processes) by handing key-group
 * ranges to other instances, without rehashing keys or changing any result.
 *
 * Hash: MurmurHash3 x86 32-bit. Strings hash their UTF-16 code units, two per 32-bit block; integer
 * keys in int32 range hash as one block; other numbers hash their decimal string with a 'n' prefix.
 * This encoding is part of the snapshot format: changing it moves keys between key groups.
 */

export const DEFAULT_MAX_PARALLELISM = 128;

/** Inclusive range of key groups owned by one operator instance. */
export interface KeyGroupRange {
  readonly startKeyGroup: number;
  readonly endKeyGroup: number;
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalMix(h: number, lengthBytes: number): number {
  h ^= lengthBytes;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function murmurString(s: string): number {
  let h = 0;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = mixBlock(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < n) {
    let k = Math.imul(s.charCodeAt(i), C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  return finalMix(h, n * 2);
}

/** A stable unsigned 32-bit hash of a key. */
export function hashKey(key: Key): number {
  if (typeof key === 'number') {
    if (Number.isInteger(key) && key >= -0x80000000 && key <= 0x7fffffff)
      return finalMix(mixBlock(0, key), 4);
    return murmurString(`n${key}`);
  }
  return murmurString(key);
}

export function keyGroupOf(key: Key, maxParallelism: number): number {
  return hashKey(key) % maxParallelism;
}

/** The key groups owned by instance `subtaskIndex` of `parallelism` (Flink's formula). */
export function keyGroupRangeForSubtask(
  maxParallelism: number,
  parallelism: number,
  subtaskIndex: number,
): KeyGroupRange {
  if (parallelism < 1 || parallelism > maxParallelism) {
    throw new RangeError(
      `parallelism must be between 1 and maxParallelism (${maxParallelism}), got ${parallelism}`,
    );
  }
  return {
    startKeyGroup: Math.floor((subtaskIndex * maxParallelism + parallelism - 1) / parallelism),
    endKeyGroup: Math.floor(((subtaskIndex + 1) * maxParallelism - 1) / parallelism),
  };
}

/** Which of `parallelism` instances owns `keyGroup`. */
export function subtaskForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

export function fullKeyGroupRange(maxParallelism: number): KeyGroupRange {
  return { startKeyGroup: 0, endKeyGroup: maxParallelism - 1 };
}

export function inKeyGroupRange(range: KeyGroupRange, keyGroup: number): boolean {
  return keyGroup >= range.startKeyGroup && keyGroup <= range.endKeyGroup;
}
