import type {
  KeyedStateSnapshotChunk,
  KeyedStateSnapshotHeader,
  KeyedStateSnapshotWriter,
} from '../state/keyed-state-snapshot.js';
import { CheckpointError, type CheckpointPartWriter } from './checkpoint-storage.js';
import { decodeRecords, encodeRecord } from './framed-records.js';

/**
 * A keyed-state snapshot as a checkpoint part, in framed v8 records (`framed-records.ts`):
 *   record 0: { kind: 'sluice.keyed-state', header: KeyedStateSnapshotHeader }
 *   records 1..n: one KeyedStateSnapshotChunk each, as `snapshotTo` wrote them
 *   last record: { kind: 'end', chunks: n }  (a part without it was cut short and is refused)
 *
 *   const part = await checkpoint.openPart(`${operatorId}.keyed`);
 *   await backend.snapshotTo(keyedStatePartWriter(part));
 *   ...
 *   const { header, chunks } = await readKeyedStatePart(reader.openPart(`${operatorId}.keyed`));
 *   await backend.restoreFrom(header, chunks);
 */

const KIND = 'sluice.keyed-state';

/** Streams a snapshot into `part` and closes it on `finish`. */
export function keyedStatePartWriter(part: CheckpointPartWriter): KeyedStateSnapshotWriter {
  let chunks = 0;
  return {
    start: (header) => part.write(encodeRecord({ kind: KIND, header })),
    write: (chunk) => {
      chunks++;
      return part.write(encodeRecord(chunk));
    },
    finish: async () => {
      await part.write(encodeRecord({ kind: 'end', chunks }));
      await part.close();
    },
  };
}

/** Reads a part written by `keyedStatePartWriter`; `chunks` streams (and checks the end marker). */
export async function readKeyedStatePart(
  bytes: AsyncIterable<Uint8Array>,
): Promise<{ header: KeyedStateSnapshotHeader; chunks: AsyncIterable<KeyedStateSnapshotChunk> }> {
  const records = decodeRecords(bytes)[Symbol.asyncIterator]();
  const first = await records.next();
  const head = first.value as { kind?: unknown; header?: KeyedStateSnapshotHeader } | undefined;
  if (first.done === true || head?.kind !== KIND || head.header === undefined)
    throw new CheckpointError('checkpoint part is not a keyed-state snapshot');
  async function* chunks(): AsyncIterable<KeyedStateSnapshotChunk> {
    let n = 0;
    for (;;) {
      const next = await records.next();
      if (next.done === true) throw new CheckpointError(`keyed-state part cut short after ${n} chunks`);
      const value = next.value as KeyedStateSnapshotChunk | { kind: 'end'; chunks: number };
      if (!Array.isArray(value)) {
        const end = value as { kind?: unknown; chunks?: unknown };
        if (end.kind !== 'end' || end.chunks !== n)
          throw new CheckpointError(`keyed-state part ends with ${JSON.stringify(end)} after ${n} chunks`);
        return;
      }
      n++;
      yield value;
    }
  }
  return { header: head.header, chunks: chunks() };
}
