/**
 * The inverted index of one `text` field: per term, its postings (docs, freqs and positions in one
 * compressed array, index/postings.ts), so a term query walks one array and a phrase query reads
 * positions from the same place. `lengths` holds each document's token count for BM25 length
 * normalization; `docCount` and
 * `sumTotalTermFreq` are the field statistics Lucene keeps (deleted documents stay counted until the
 * index is rebuilt, as in Lucene until a merge).
 *
 * Multi-valued text keeps a gap of 100 positions between values (ES's position_increment_gap).
 */
import { forEachTokenSpan } from '../analysis/standard-analyzer.js';
import { growInt32 } from './growable.js';
import { Postings } from './postings.js';
import { StringIntMap } from './string-int-map.js';

const POSITION_INCREMENT_GAP = 100;
const MAX_CACHED_LENGTH = 512;
const MAX_CACHED_VALUES = 4096;
/** Misses after which a field whose values repeat less than one time in four stops caching. */
const CACHE_PROBATION = 20_000;

export class TextField {
  readonly kind = 'text';
  /** The field's terms by ordinal, their postings, and the dictionary term -> ordinal. */
  private readonly terms: string[] = [];
  private readonly postingsByOrd: Postings[] = [];
  private readonly dict = new StringIntMap((ord) => this.terms[ord] as string);
  lengths = new Int32Array(0);
  docCount = 0;
  sumTotalTermFreq = 0;
  private currentDoc = -1;
  private nextPosition = 0;
  /**
   * Analysis cache for repeated values (user agents, log templates): value -> the postings of its
   * tokens in order, so a repeat skips tokenizing and the term lookups. Bounded, and switched off
   * for a field whose values rarely repeat (free text), where it would only cost a lookup.
   */
  private cache: Map<string, Postings[]> | undefined = new Map();
  private cacheHits = 0;
  private cacheMisses = 0;
  private collecting: Postings[] | undefined;
  /** The value being tokenized (what `onSpan`'s offsets refer to). */
  private analyzing = '';
  private readonly onSpan = (start: number, end: number, lower: boolean): void => {
    const ord = this.dict.getRange(this.analyzing, start, end, lower);
    if (ord >= 0) this.occurs(this.postingsByOrd[ord] as Postings);
    else {
      const term = this.analyzing.slice(start, end);
      this.occurs(this.newTerm(lower ? term.toLowerCase() : detached(term)));
    }
  };
  private readonly onToken = (token: string): void => {
    const ord = this.dict.get(token);
    this.occurs(ord >= 0 ? (this.postingsByOrd[ord] as Postings) : this.newTerm(detached(token)));
  };

  /** The postings of `term`, if any document has it. */
  postingsOf(term: string): Postings | undefined {
    const ord = this.dict.get(term);
    return ord < 0 ? undefined : this.postingsByOrd[ord];
  }

  /** Calls `fn` with every term and its postings. */
  forEachTerm(fn: (term: string, postings: Postings) => void): void {
    for (let ord = 0; ord < this.terms.length; ord++) fn(this.terms[ord]!, this.postingsByOrd[ord]!);
  }

  private newTerm(term: string): Postings {
    const p = new Postings();
    this.dict.set(term, this.terms.length);
    this.terms.push(term);
    this.postingsByOrd.push(p);
    return p;
  }

  private occurs(p: Postings): void {
    const doc = this.currentDoc;
    p.add(doc, this.nextPosition++);
    this.lengths[doc]!++;
    this.sumTotalTermFreq++;
    this.collecting?.push(p);
  }

  private tokenize(text: string): void {
    this.analyzing = text;
    forEachTokenSpan(text, this.onSpan, this.onToken);
    this.analyzing = '';
  }

  /** Indexes one value of `doc`; further values of the same doc continue after a position gap. */
  addValue(doc: number, value: string | number): void {
    if (doc !== this.currentDoc) {
      this.currentDoc = doc;
      this.nextPosition = 0;
      this.lengths = growInt32(this.lengths, doc + 1);
      this.docCount++;
    } else {
      this.nextPosition += POSITION_INCREMENT_GAP;
    }
    const text = typeof value === 'string' ? value : String(value);
    const cache = this.cache;
    if (cache === undefined || text.length > MAX_CACHED_LENGTH) {
      this.tokenize(text);
      return;
    }
    const cached = cache.get(text);
    if (cached !== undefined) {
      this.cacheHits++;
      for (let i = 0; i < cached.length; i++) cached[i]!.add(doc, this.nextPosition++);
      this.lengths[doc]! += cached.length;
      this.sumTotalTermFreq += cached.length;
      return;
    }
    this.cacheMisses++;
    if (this.cacheMisses > CACHE_PROBATION && this.cacheHits * 4 < this.cacheMisses) {
      this.cache = undefined;
    } else if (cache.size >= MAX_CACHED_VALUES) {
      cache.clear();
    }
    const collected: Postings[] = [];
    this.collecting = collected;
    this.tokenize(text);
    this.collecting = undefined;
    this.cache?.set(text, collected);
  }

  has(doc: number): boolean {
    return doc < this.lengths.length && this.lengths[doc]! > 0;
  }

  averageLength(): number {
    return this.docCount === 0 ? 1 : this.sumTotalTermFreq / this.docCount;
  }
}

/**
 * A copy of `s` that does not keep the string it was cut from alive. V8 represents a slice of 13
 * or more characters as a view into its parent; a term kept by the dictionary would then keep its
 * whole document value, for as long as the index lives. Runs once per new term, not per token.
 */
function detached(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
