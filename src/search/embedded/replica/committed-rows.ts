import type { DocRow } from '../store/sqlite-store.js';

/**
 * Rows a bulk committed, packed for the trip to the replica thread. Structured-cloning thousands of
 * row objects per bulk cost the writer more than the replica saved by not reading them back, so
 * rows travel as columns: numbers in typed arrays (transferred, not copied) and all ids and all
 * sources each joined into one string (one copy each). Layout:
 *   seqs[i], idxs[i], versions[i]  per row
 *   ids        the ids joined; idEnds[i] is where row i's id ends
 *   sources    the sources joined; sourceEnds[i] is where row i's source ends, -1 for a tombstone
 */
export interface CommittedRows {
  readonly count: number;
  readonly seqs: Float64Array;
  readonly idxs: Int32Array;
  readonly versions: Float64Array;
  readonly ids: string;
  readonly idEnds: Int32Array;
  readonly sources: string;
  readonly sourceEnds: Int32Array;
}

export function packRows(rows: readonly DocRow[]): CommittedRows {
  const n = rows.length;
  const seqs = new Float64Array(n);
  const idxs = new Int32Array(n);
  const versions = new Float64Array(n);
  const idEnds = new Int32Array(n);
  const sourceEnds = new Int32Array(n);
  const ids: string[] = new Array(n);
  const sources: string[] = [];
  let idAt = 0;
  let sourceAt = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i] as DocRow;
    seqs[i] = row.seq;
    idxs[i] = row.idx;
    versions[i] = row.version;
    ids[i] = row.id;
    idAt += row.id.length;
    idEnds[i] = idAt;
    if (row.source === null) sourceEnds[i] = -1;
    else {
      sources.push(row.source);
      sourceAt += row.source.length;
      sourceEnds[i] = sourceAt;
    }
  }
  return { count: n, seqs, idxs, versions, ids: ids.join(''), idEnds, sources: sources.join(''), sourceEnds };
}

/** The typed arrays of a pack, to transfer instead of copy. */
export function transferablesOf(rows: CommittedRows): ArrayBuffer[] {
  return [
    rows.seqs.buffer,
    rows.idxs.buffer,
    rows.versions.buffer,
    rows.idEnds.buffer,
    rows.sourceEnds.buffer,
  ] as ArrayBuffer[];
}

/** Unpacks rows lazily, in order (ids and sources are slices of the joined strings). */
export function* unpackRows(rows: CommittedRows): IterableIterator<DocRow> {
  let idAt = 0;
  let sourceAt = 0;
  for (let i = 0; i < rows.count; i++) {
    const idEnd = rows.idEnds[i] as number;
    const sourceEnd = rows.sourceEnds[i] as number;
    let source: string | null = null;
    if (sourceEnd >= 0) {
      source = rows.sources.slice(sourceAt, sourceEnd);
      sourceAt = sourceEnd;
    }
    yield {
      seq: rows.seqs[i] as number,
      idx: rows.idxs[i] as number,
      id: rows.ids.slice(idAt, idEnd),
      version: rows.versions[i] as number,
      source,
    };
    idAt = idEnd;
  }
}
