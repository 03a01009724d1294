import type { IndexedValue, ParsedDocument } from '../mapping/document-parser.js';
import type { LeafField } from '../mapping/index-mapping.js';

/**
 * Rows a bulk writes, packed for the trip to the replica thread as they are written (the replica
 * stages them and indexes them once the bulk commits).
 *
 * What travels is not the `_source` but what the writer already computed from it: each document's
 * indexed values per field (the writer parses every document against the mapping to validate it).
 * The replica then indexes without parsing JSON or the document again, and reads `_source` from
 * SQLite only for hits. Why it matters: the writer and the replica each keep one core busy during a
 * bulk load, and this removes the replica's largest cost that was not indexing itself.
 *
 * Why in small chunks sent as they fill: keeping a bulk's strings and row objects alive until the
 * commit made them survive young garbage collections (copied, promoted, collected again). A chunk
 * of a few hundred rows is posted as soon as it is full (the replica stages it until the commit),
 * so its strings die young; numbers travel in typed arrays that are transferred, not copied.
 *
 * Why strings travel as an array, not joined into one text: the replica keeps some
 * of them for as long as the index lives (ids, new keyword terms), and a slice of a joined text
 * is, in V8, a view that keeps the whole text alive. With one unique value per row (an IP, a
 * UUID), every chunk's text stayed in memory: about 350 MB of RSS per million documents.
 *
 * Layout of one chunk (row i, value j):
 *   seqs[i], idxs[i], versions[i], deleted[i], sourceLengths[i]
 *   strings            the chunk's ids and string values
 *   idRefs[i]          row i's id, an index into `strings`
 *   valueEnds[i]       index of row i's last value + 1
 *   fieldOf[j]         the value's field, an index into `fieldPaths`
 *   numbers[j]         the value when it is a number (stringRefs[j] = -1)
 *   stringRefs[j]      otherwise, the value, an index into `strings`
 */
export interface CommittedRows {
  readonly count: number;
  readonly seqs: Float64Array<ArrayBuffer>;
  readonly idxs: Int32Array<ArrayBuffer>;
  readonly versions: Float64Array<ArrayBuffer>;
  readonly deleted: Uint8Array<ArrayBuffer>;
  readonly sourceLengths: Int32Array<ArrayBuffer>;
  readonly idRefs: Int32Array<ArrayBuffer>;
  readonly valueEnds: Int32Array<ArrayBuffer>;
  readonly fieldPaths: readonly string[];
  readonly fieldOf: Uint16Array<ArrayBuffer>;
  readonly numbers: Float64Array<ArrayBuffer>;
  readonly stringRefs: Int32Array<ArrayBuffer>;
  readonly strings: readonly string[];
}

/** String length per chunk before a new one starts. */
const CHUNK_CHARS = 64 * 1024;
const CHUNK_ROWS = 256;
const CHUNK_VALUES = 4096;
/** Distinct fields per chunk (`fieldOf` is 16-bit). */
const CHUNK_FIELDS = 65_535;

class Chunk {
  count = 0;
  valueCount = 0;
  textLength = 0;
  private readonly strings: string[] = [];
  /** The previous row's field objects and their slots, by position (rows mostly repeat them). */
  private readonly positionFields: LeafField[] = [];
  private readonly positionSlots: number[] = [];
  readonly fieldPaths: string[] = [];
  private readonly fieldSlots = new Map<LeafField, number>();
  // Views on one buffer, so a chunk allocates and transfers one ArrayBuffer, not ten.
  readonly seqs: Float64Array<ArrayBuffer>;
  readonly versions: Float64Array<ArrayBuffer>;
  readonly numbers: Float64Array<ArrayBuffer>;
  readonly idxs: Int32Array<ArrayBuffer>;
  readonly sourceLengths: Int32Array<ArrayBuffer>;
  readonly idRefs: Int32Array<ArrayBuffer>;
  readonly valueEnds: Int32Array<ArrayBuffer>;
  readonly stringRefs: Int32Array<ArrayBuffer>;
  readonly fieldOf: Uint16Array<ArrayBuffer>;
  readonly deleted: Uint8Array<ArrayBuffer>;

  constructor(capacityValues: number) {
    const rows = CHUNK_ROWS;
    const values = capacityValues;
    // Widest elements first, so every view starts aligned to its element size.
    const buffer = new ArrayBuffer(8 * (2 * rows + values) + 4 * (4 * rows + values) + 2 * values + rows);
    let at = 0;
    const take = <T>(make: (offset: number) => T, bytes: number): T => {
      const view = make(at);
      at += bytes;
      return view;
    };
    this.seqs = take((o) => new Float64Array(buffer, o, rows), 8 * rows);
    this.versions = take((o) => new Float64Array(buffer, o, rows), 8 * rows);
    this.numbers = take((o) => new Float64Array(buffer, o, values), 8 * values);
    this.idxs = take((o) => new Int32Array(buffer, o, rows), 4 * rows);
    this.sourceLengths = take((o) => new Int32Array(buffer, o, rows), 4 * rows);
    this.idRefs = take((o) => new Int32Array(buffer, o, rows), 4 * rows);
    this.valueEnds = take((o) => new Int32Array(buffer, o, rows), 4 * rows);
    this.stringRefs = take((o) => new Int32Array(buffer, o, values), 4 * values);
    this.fieldOf = take((o) => new Uint16Array(buffer, o, values), 2 * values);
    this.deleted = take((o) => new Uint8Array(buffer, o, rows), rows);
  }

  full(): boolean {
    return this.count >= CHUNK_ROWS || this.textLength >= CHUNK_CHARS;
  }

  fits(values: number): boolean {
    return (
      this.count < CHUNK_ROWS &&
      this.valueCount + values <= this.fieldOf.length &&
      this.fieldPaths.length + values <= CHUNK_FIELDS
    );
  }

  add(
    seq: number,
    idx: number,
    id: string,
    version: number,
    document: ParsedDocument | null,
    sourceLength: number,
  ): void {
    const i = this.count++;
    this.seqs[i] = seq;
    this.idxs[i] = idx;
    this.versions[i] = version;
    this.sourceLengths[i] = sourceLength;
    const idRef = this.push(id);
    this.idRefs[i] = idRef;
    if (document === null) this.deleted[i] = 1;
    else {
      // A value equal to the previous string (a text field and its keyword sub-field) or to the
      // id (an id taken from a field) travels once; the replica then also keeps one string for both.
      let last = id;
      let lastRef = idRef;
      for (let k = 0; k < document.length; k++) {
        const j = this.valueCount++;
        const field = document.fields[k] as LeafField;
        if (this.positionFields[k] !== field) {
          this.positionFields[k] = field;
          this.positionSlots[k] = this.slotOf(field);
        }
        this.fieldOf[j] = this.positionSlots[k] as number;
        const value = document.values[k] as IndexedValue;
        if (typeof value === 'number') {
          this.numbers[j] = value;
          this.stringRefs[j] = -1;
        } else {
          if (value !== last) {
            last = value;
            lastRef = value === id ? idRef : this.push(value);
          }
          this.stringRefs[j] = lastRef;
        }
      }
    }
    this.valueEnds[i] = this.valueCount;
  }

  private push(value: string): number {
    this.textLength += value.length;
    return this.strings.push(value) - 1;
  }

  private slotOf(field: LeafField): number {
    let slot = this.fieldSlots.get(field);
    if (slot === undefined) {
      slot = this.fieldPaths.length;
      this.fieldPaths.push(field.path);
      this.fieldSlots.set(field, slot);
    }
    return slot;
  }

  seal(): CommittedRows {
    return {
      count: this.count,
      seqs: this.seqs,
      idxs: this.idxs,
      versions: this.versions,
      deleted: this.deleted,
      sourceLengths: this.sourceLengths,
      idRefs: this.idRefs,
      valueEnds: this.valueEnds,
      fieldPaths: this.fieldPaths,
      fieldOf: this.fieldOf,
      numbers: this.numbers,
      stringRefs: this.stringRefs,
      strings: this.strings,
    };
  }
}

/**
 * Collects a bulk's rows, in seq order, into chunks, and hands each full chunk to `send` at once
 * (the last one on `flush()`).
 */
export class CommittedRowsPacker {
  private current: Chunk | undefined;

  constructor(private readonly send: (rows: CommittedRows) => void) {}

  /**
   * A written document with its parsed values (`document`, consumed now: the parser reuses it),
   * or a tombstone (`document` null). `sourceLength` is the `_source` JSON's length.
   */
  add(
    seq: number,
    idx: number,
    id: string,
    version: number,
    document: ParsedDocument | null,
    sourceLength: number,
  ): void {
    const values = document?.length ?? 0;
    if (this.current !== undefined && !this.current.fits(values)) this.flush();
    if (this.current === undefined) this.current = new Chunk(Math.max(CHUNK_VALUES, values));
    this.current.add(seq, idx, id, version, document, sourceLength);
    if (this.current.full()) this.flush();
  }

  /** Sends the chunk being filled, if any. */
  flush(): void {
    if (this.current === undefined || this.current.count === 0) return;
    const chunk = this.current.seal();
    this.current = undefined;
    this.send(chunk);
  }
}

/** The buffer of a chunk, to transfer instead of copy: its typed arrays are all views on it. */
export function transferablesOf(rows: CommittedRows): ArrayBuffer[] {
  return [rows.seqs.buffer];
}

/** One unpacked row; `document` (null for a tombstone) is reused for the next row. */
export interface CommittedRow {
  seq: number;
  idx: number;
  id: string;
  version: number;
  sourceLength: number;
  document: ParsedDocument | null;
}

/**
 * Calls `fn` for each row in order. `fieldsOf(idx, paths)` resolves the chunk's field paths to the
 * reader's own field objects for an index (undefined entries for unknown paths, which make that
 * row's document undefined: the caller then reads it from the store).
 */
export function forEachCommittedRow(
  rows: CommittedRows,
  fieldsOf: (idx: number, paths: readonly string[]) => readonly (LeafField | undefined)[],
  fn: (row: CommittedRow, missingField: boolean) => void,
): void {
  const strings = rows.strings;
  const document: ParsedDocument = { fields: [], values: [], length: 0, mappingChanged: false };
  const row: CommittedRow = { seq: 0, idx: 0, id: '', version: 0, sourceLength: 0, document: null };
  let fieldsIdx = -1;
  let fields: readonly (LeafField | undefined)[] = [];
  let j = 0;
  for (let i = 0; i < rows.count; i++) {
    const idx = rows.idxs[i] as number;
    if (idx !== fieldsIdx) {
      fields = fieldsOf(idx, rows.fieldPaths);
      fieldsIdx = idx;
    }
    row.seq = rows.seqs[i] as number;
    row.idx = idx;
    row.id = strings[rows.idRefs[i] as number] as string;
    row.version = rows.versions[i] as number;
    row.sourceLength = rows.sourceLengths[i] as number;
    const end = rows.valueEnds[i] as number;
    let missingField = false;
    document.length = 0;
    for (; j < end; j++) {
      const field = fields[rows.fieldOf[j] as number];
      const ref = rows.stringRefs[j] as number;
      const value: IndexedValue = ref < 0 ? (rows.numbers[j] as number) : (strings[ref] as string);
      if (field === undefined) missingField = true;
      else {
        document.fields[document.length] = field;
        document.values[document.length] = value;
        document.length++;
      }
    }
    row.document = rows.deleted[i] === 1 ? null : document;
    fn(row, missingField);
  }
}
