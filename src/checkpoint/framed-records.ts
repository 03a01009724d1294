import { deserialize, serialize } from 'node:v8';
import { CheckpointError } from './checkpoint-storage.js';

/**
 * The encoding of checkpoint parts that hold structured data (keyed state, operator and source
 * state): a sequence of records, each a 4-byte unsigned big-endian length N followed by N bytes of
 * `v8.serialize(value)`.
 *
 * Why v8 serialization and not JSON lines: state holds NaN, ±Infinity (window namespaces and timer
 * fields), Maps, typed arrays and undefined, which JSON loses or changes; v8's structured-clone wire
 * format keeps exactly what `structuredClone` keeps, and it is several times faster. Its format is
 * versioned by V8 and read by every later Node version; a part written by a newer Node may not be
 * readable by an older one. Length framing lets a reader stream a large part record by record.
 */

export const MAX_RECORD_BYTES = 0xffff_ffff;

export function encodeRecord(value: unknown): Buffer {
  const body = serialize(value);
  if (body.byteLength > MAX_RECORD_BYTES)
    throw new CheckpointError(
      `a checkpoint record of ${body.byteLength} bytes is over the 4 GiB frame limit`,
    );
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.byteLength, 0);
  return Buffer.concat([head, body]);
}

/** Decodes records from a byte stream split anywhere; fails on a truncated last record. */
export async function* decodeRecords(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncIterable<unknown> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (pending.length - offset >= 4) {
      const n = pending.readUInt32BE(offset);
      if (pending.length - offset - 4 < n) break;
      yield deserialize(pending.subarray(offset + 4, offset + 4 + n));
      offset += 4 + n;
    }
    pending = pending.subarray(offset);
  }
  if (pending.length > 0)
    throw new CheckpointError(`checkpoint part ends inside a record (${pending.length} bytes left over)`);
}
