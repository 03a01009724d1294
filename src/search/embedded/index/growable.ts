/**
 * Typed-array columns grow by doubling as documents are appended; these helpers return the same
 * array when it is big enough, otherwise a larger copy (new slots filled with `fill`).
 */
export function growFloat64(
  arr: Float64Array<ArrayBuffer>,
  minLength: number,
  fill = Number.NaN,
): Float64Array<ArrayBuffer> {
  if (arr.length >= minLength) return arr;
  const next = new Float64Array(Math.max(minLength, arr.length * 2, 1024)).fill(fill);
  next.set(arr);
  return next;
}

export function growInt32(
  arr: Int32Array<ArrayBuffer>,
  minLength: number,
  fill = 0,
): Int32Array<ArrayBuffer> {
  if (arr.length >= minLength) return arr;
  const next = new Int32Array(Math.max(minLength, arr.length * 2, 1024));
  if (fill !== 0) next.fill(fill);
  next.set(arr);
  return next;
}

export function growUint8(arr: Uint8Array<ArrayBuffer>, minLength: number): Uint8Array<ArrayBuffer> {
  if (arr.length >= minLength) return arr;
  const next = new Uint8Array(Math.max(minLength, arr.length * 2, 1024));
  next.set(arr);
  return next;
}
