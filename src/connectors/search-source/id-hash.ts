/**
 * The stable hash that cuts a scan into slices: 32-bit FNV-1a over the UTF-16 code units of `_id`,
 * as an unsigned integer. Fixed forever (a changed hash would move documents between slices of a
 * job being resumed).
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
