import type { BulkEntry } from './bulk-entry.js';

/**
 * The actions accepted by the sink and not yet handed to the sender, in arrival order, with their
 * exact serialized size. The writer asks it for the next request (`cut`), which takes actions from
 * the front up to `maxActions` and `maxBytes` of NDJSON: a request is never larger than
 * `maxBytes` (one action larger than that alone goes on its own), and it is cut as soon as the
 * buffer holds `maxBytes`. An action whose document has an action in flight is held back, with
 * every later action for the same document, so the order per document is kept while other
 * documents go ahead.
 */
export class BulkBuffer {
  private entries: BulkEntry[] = [];
  private totalBytes = 0;

  get size(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  add(entry: BulkEntry): void {
    this.entries.push(entry);
    this.totalBytes += entry.bytes;
  }

  /** Whether a full request is waiting (by count or by bytes). */
  hasFullRequest(maxActions: number, maxBytes: number): boolean {
    return this.entries.length >= maxActions || this.totalBytes >= maxBytes;
  }

  /**
   * Takes the next request. `held(key)` says a document has an action in flight; its actions stay
   * (in order) for a later request. Returns an empty list when everything buffered is held.
   */
  cut(maxActions: number, maxBytes: number, held: (key: string) => boolean): BulkEntry[] {
    const all = this.entries;
    const batch: BulkEntry[] = [];
    const kept: BulkEntry[] = [];
    let bytes = 0;
    let i = 0;
    for (; i < all.length && batch.length < maxActions; i++) {
      const e = all[i] as BulkEntry;
      if (e.key !== undefined && held(e.key)) {
        kept.push(e);
        continue;
      }
      if (batch.length > 0 && bytes + e.bytes > maxBytes) break;
      batch.push(e);
      bytes += e.bytes;
    }
    if (batch.length === 0) return batch;
    this.entries = kept.length === 0 && i === all.length ? [] : kept.concat(all.slice(i));
    this.totalBytes -= bytes;
    return batch;
  }
}
