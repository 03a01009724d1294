/**
 * The inverted index of one `text` field. Per term, one growable Int32Array of entries
 * `[doc, freq, pos_1 .. pos_freq]` in ascending doc order (documents are only ever appended), so
 * a term query walks one array and a phrase query reads positions from the same place. `lengths`
 * holds each document's token count for BM25 length normalization; `docCount` and
 * `sumTotalTermFreq` are the field statistics Lucene keeps (deleted documents stay counted until the
 * index is rebuilt, as in Lucene until a merge).
 *
 * Multi-valued text keeps a gap of 100 positions between values (ES's position_increment_gap).
 */
import { analyze } from '../analysis/standard-analyzer.js';
import { growInt32 } from './growable.js';

const POSITION_INCREMENT_GAP = 100;

export class Postings {
  data = new Int32Array(8);
  size = 0;
  docFreq = 0;

  push(doc: number, positions: readonly number[]): void {
    const need = this.size + 2 + positions.length;
    if (need > this.data.length) {
      const next = new Int32Array(Math.max(need, this.data.length * 2));
      next.set(this.data.subarray(0, this.size));
      this.data = next;
    }
    const d = this.data;
    d[this.size++] = doc;
    d[this.size++] = positions.length;
    for (const p of positions) d[this.size++] = p;
    this.docFreq++;
  }
}

export class TextField {
  readonly kind = 'text';
  readonly postings = new Map<string, Postings>();
  lengths = new Int32Array(0);
  docCount = 0;
  sumTotalTermFreq = 0;

  add(doc: number, values: readonly (string | number)[]): void {
    const positionsByTerm = new Map<string, number[]>();
    let position = 0;
    let length = 0;
    for (const value of values) {
      for (const token of analyze(String(value))) {
        const list = positionsByTerm.get(token);
        if (list === undefined) positionsByTerm.set(token, [position]);
        else list.push(position);
        position++;
        length++;
      }
      position += POSITION_INCREMENT_GAP;
    }
    this.lengths = growInt32(this.lengths, doc + 1);
    this.lengths[doc] = length;
    this.docCount++;
    this.sumTotalTermFreq += length;
    for (const [term, positions] of positionsByTerm) {
      let p = this.postings.get(term);
      if (p === undefined) this.postings.set(term, (p = new Postings()));
      p.push(doc, positions);
    }
  }

  has(doc: number): boolean {
    return doc < this.lengths.length && this.lengths[doc]! > 0;
  }

  averageLength(): number {
    return this.docCount === 0 ? 1 : this.sumTotalTermFreq / this.docCount;
  }
}
