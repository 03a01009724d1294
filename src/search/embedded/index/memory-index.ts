/**
 * The searchable in-memory side of one index: internal document numbers (docs), their ids, and one
 * column per mapped leaf field (postings for text, ordinals for keywords, numbers otherwise).
 * Owned by the index replica, which builds it from SQLite and keeps it current by replaying
 * committed rows (replica/index-replica.ts). Documents are append-only: an overwrite gives the id a new doc number
 * and marks the old one deleted, so columns never shift.
 */

import type { ParsedDocument } from '../mapping/document-parser.js';
import { valueKind } from '../mapping/field-type.js';
import type { LeafField } from '../mapping/index-mapping.js';
import { Bitset } from './bitset.js';
import { growFloat64, growUint8 } from './growable.js';
import { KeywordColumn } from './keyword-column.js';
import { NumericColumn } from './numeric-column.js';
import { StringIntMap } from './string-int-map.js';
import { TextField } from './text-field.js';

export type Column = TextField | KeywordColumn | NumericColumn;

export class MemoryIndex {
  /** Doc numbers handed out so far (live and deleted). */
  maxDoc = 0;
  liveCount = 0;
  deletedCount = 0;
  /** Bytes of every `_source` written (old versions included, like a store before merges). */
  sourceBytes = 0;
  ids: string[] = [];
  /** The SQLite row (`docs.seq`) holding each doc's `_source`. */
  seqs = new Float64Array(0);
  private deleted = new Uint8Array(0);
  private readonly docByID = new StringIntMap((doc) => this.ids[doc] as string);
  readonly columns = new Map<string, Column>();
  private live: Bitset | undefined;
  private readonly lastFields: LeafField[] = [];
  private readonly lastColumns: Column[] = [];

  docOf(id: string): number | undefined {
    const doc = this.docByID.get(id);
    return doc < 0 ? undefined : doc;
  }

  /** Adds (or replaces) the document `id`; returns its new doc number. */
  put(id: string, seq: number, parsed: ParsedDocument, sourceBytes: number, mayExist = true): number {
    // A first version (`mayExist` false) cannot replace anything: skip a lookup in a map of every id.
    const previous = mayExist ? this.docByID.get(id) : -1;
    if (previous >= 0) this.removeDoc(id, previous);
    this.sourceBytes += sourceBytes;
    const doc = this.maxDoc++;
    this.ids.push(id);
    this.seqs = growFloat64(this.seqs, doc + 1);
    this.seqs[doc] = seq;
    this.deleted = growUint8(this.deleted, doc + 1);
    this.docByID.set(id, doc);
    this.liveCount++;
    this.live = undefined;
    const lastFields = this.lastFields;
    const lastColumns = this.lastColumns;
    for (let i = 0; i < parsed.length; i++) {
      // Documents of a stream mostly have the same fields in the same order: compare the field
      // object with the previous document's i-th instead of looking its column up by path.
      const field = parsed.fields[i]!;
      let column = lastColumns[i];
      if (lastFields[i] !== field || column === undefined) {
        column = this.columnFor(field);
        lastFields[i] = field;
        lastColumns[i] = column;
      }
      const value = parsed.values[i]!;
      if (column.kind === 'number') column.addValue(doc, value as number);
      else column.addValue(doc, value);
    }
    return doc;
  }

  remove(id: string): boolean {
    const doc = this.docByID.get(id);
    if (doc < 0) return false;
    this.removeDoc(id, doc);
    return true;
  }

  private removeDoc(id: string, doc: number): void {
    this.live = undefined;
    this.deleted[doc] = 1;
    this.docByID.delete(id);
    this.liveCount--;
    this.deletedCount++;
  }

  private columnFor(field: LeafField): Column {
    let column = this.columns.get(field.path);
    if (column === undefined) {
      const kind = valueKind(field.type);
      column =
        kind === 'text' ? new TextField() : kind === 'keyword' ? new KeywordColumn() : new NumericColumn();
      this.columns.set(field.path, column);
    }
    return column;
  }

  /** Every live document; cached until the next write. Callers must not mutate it. */
  liveDocs(): Bitset {
    if (this.live === undefined) this.live = this.computeLive();
    return this.live;
  }

  private computeLive(): Bitset {
    const bits = new Bitset(this.maxDoc);
    const deleted = this.deleted;
    const words = bits.words;
    for (let w = 0; w < words.length; w++) {
      let word = 0;
      const base = w << 5;
      const end = Math.min(32, this.maxDoc - base);
      for (let b = 0; b < end; b++) if (deleted[base + b] === 0) word |= 1 << b;
      words[w] = word;
    }
    return bits;
  }
}
