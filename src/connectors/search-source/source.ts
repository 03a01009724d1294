/**
 * The index as a stream (sources v2): `searchSource` reads an index or pattern of any SearchEngine
 * (the embedded engine or a cluster, by URL) in one of two modes.
 *
 * scan (bounded): every hit of `query` once, through the engine's `scan` (point in time +
 * `search_after` on clusters that have it, scroll otherwise; `search_after` on the embedded engine),
 * sorted by `sort` plus the engine's `_id` tiebreaker. With `slices: n` the result set is cut into
 * n splits named `search:<index>/slice-<i>`: slice i holds the hits whose FNV-1a hash of `_id` is i
 * modulo n. The partition is computed here, not by the engine, because it has to be the same on
 * every run (a resumed scan may run without a point in time, where cluster-side `slice` is refused,
 * and a cluster's own slicing is only stable within one point in time); the cost is that every
 * slice pages over the whole result set and keeps its share.
 *   Split state (after a batch): `{ after: <sort values of the batch's last hit> }`, or
 *   `{ done: true }` once the slice is read. A restored slice resumes with `search_after` exactly
 *   after its last processed hit (exact where the tiebreaker is `_id`: the embedded engine,
 *   OpenSearch, ES 7; on ES 8+ sort on a unique field of your own, see cluster-scan.ts).
 *
 * follow (unbounded): one split `search:<index>/follow`. Every `pollIntervalMs` (on the injected
 * clock) it asks for hits with `follow.field >= highWater - overlapMs`, sorted by that field, and
 * emits those not seen yet. A hit is identified by (_id, field value): an updated document whose
 * field moved forward (a new `@timestamp` or ingest sequence) is emitted again, a re-read of the
 * same version is not. Documents indexed late, with a field value inside the overlap window behind
 * the high-water mark, are caught; a document that becomes searchable with a value older than
 * `highWater - overlapMs` is never emitted (choose overlapMs above the worst ingest delay plus the
 * refresh interval).
 *   Split state: `{ highWater, seen: [[id, value], ...] }` with the ids seen inside the window.
 *
 * Records: `{ id, index, source, sort }` (`source` is the hit's `_source`, `sort` its sort values).
 */
import type { Clock } from '../../core/clock.js';
import { batchOfValues, type RecordBatch } from '../../core/record-batch.js';
import type { Source, SourceContext, SourceMessage, SourceReader } from '../../core/source.js';
import { openSearchEngine, type SharedSearchEngine } from '../../search/engines/index.js';
import type { SearchEngine } from '../../search/search-engine.js';
import type { ScanPage, SearchHit } from '../../search/search-request.js';
import { fnv1a32 } from './id-hash.js';

export interface SearchRecord {
  readonly id: string;
  readonly index: string;
  readonly source: Record<string, unknown>;
  readonly sort: readonly unknown[];
}

export interface SearchSourceOptions {
  /** Engine URL (embedded path or cluster URL); default: the job's `search.url` setting. */
  readonly url?: string;
  /** An engine object instead of a URL (tests, embedding); it is not closed by the source. */
  readonly engine?: SearchEngine;
  /** Index name or pattern. */
  readonly index: string;
  readonly query?: unknown;
  /** Scan mode only: an ES sort; `_id` is appended. */
  readonly sort?: unknown;
  readonly mode?: 'scan' | 'follow';
  /** Scan mode: number of splits; default 1. */
  readonly slices?: number;
  /** Hits per request; default 1000. */
  readonly pageSize?: number;
  readonly follow?: {
    /** A monotonic numeric or date field (`@timestamp`, an ingest sequence). */
    readonly field: string;
    /** How far behind the high-water mark each poll re-reads, in the field's unit (ms for dates). */
    readonly overlapMs: number;
    readonly pollIntervalMs: number;
  };
}

type ScanState = { readonly after: readonly unknown[] } | { readonly done: true };
export interface FollowState {
  readonly highWater: number | null;
  readonly seen: ReadonlyArray<readonly [string, number]>;
}

export function searchSource(options: SearchSourceOptions): Source<SearchRecord> {
  const mode = options.mode ?? 'scan';
  const slices = options.slices ?? 1;
  if (!Number.isInteger(slices) || slices < 1)
    throw new RangeError(`searchSource slices must be >= 1, got ${slices}`);
  if (mode === 'follow' && options.follow === undefined)
    throw new RangeError('searchSource mode follow needs follow: { field, overlapMs, pollIntervalMs }');
  return {
    name: `search:${options.index}`,
    boundedness: mode === 'scan' ? 'bounded' : 'unbounded',
    createReader: (ctx) => new SearchSourceReader(options, mode, slices, ctx),
  };
}

export function sliceOrigin(index: string, slice: number): string {
  return `search:${index}/slice-${slice}`;
}
export function followOrigin(index: string): string {
  return `search:${index}/follow`;
}

class SearchSourceReader implements SourceReader<SearchRecord> {
  private readonly queue: SourceMessage<SearchRecord>[] = [];
  private shared: SharedSearchEngine | undefined;
  private engine: SearchEngine | undefined;
  private readonly pending: number[] = []; // scan slices still to read
  private scanIterator: AsyncIterator<ScanPage> | undefined;
  private follow: { highWater: number | null; seen: Map<string, number>; nextPollMs: number } | undefined;
  private position = 0;
  private started = false;
  private ended = false;

  constructor(
    private readonly options: SearchSourceOptions,
    private readonly mode: 'scan' | 'follow',
    private readonly slices: number,
    private readonly ctx: SourceContext,
  ) {}

  async read(): Promise<SourceMessage<SearchRecord>> {
    if (!this.started) await this.start();
    for (;;) {
      const queued = this.queue.shift();
      if (queued !== undefined) return queued;
      if (this.ended || this.ctx.signal.aborted) return { kind: 'end' };
      if (this.mode === 'scan') await this.scanStep();
      else await this.followStep();
    }
  }

  private async start(): Promise<void> {
    this.started = true;
    if (this.options.engine !== undefined) this.engine = this.options.engine;
    else {
      const url = this.options.url ?? this.ctx.settings['search.url'];
      if (url === undefined)
        throw new RangeError('searchSource needs url or engine (or the job setting search.url)');
      this.shared = await openSearchEngine(url, { clock: this.ctx.clock });
      this.engine = this.shared.engine;
    }
    if (this.mode === 'scan') {
      const all = Array.from({ length: this.slices }, (_, i) => sliceOrigin(this.options.index, i));
      this.queue.push({ kind: 'splits', added: all });
      for (let i = 0; i < this.slices; i++) {
        const restored = this.ctx.restoredSplits.get(all[i] as string) as ScanState | undefined;
        if (restored !== undefined && 'done' in restored)
          this.queue.push({ kind: 'splits', finished: [all[i] as string] });
        else this.pending.push(i);
      }
    } else {
      const origin = followOrigin(this.options.index);
      const restored = this.ctx.restoredSplits.get(origin) as FollowState | undefined;
      this.follow = {
        highWater: restored?.highWater ?? null,
        seen: new Map((restored?.seen ?? []).map(([id, v]) => [id, v])),
        nextPollMs: this.ctx.clock.nowMs(),
      };
      this.queue.push({ kind: 'splits', added: [origin] });
    }
  }

  /** Reads the next page of the current slice into batches. */
  private async scanStep(): Promise<void> {
    const slice = this.pending[0];
    if (slice === undefined) {
      this.ended = true;
      return;
    }
    const origin = sliceOrigin(this.options.index, slice);
    if (this.scanIterator === undefined) {
      const restored = this.ctx.restoredSplits.get(origin) as { after?: readonly unknown[] } | undefined;
      this.scanIterator = (this.engine as SearchEngine)
        .scan(this.options.index, {
          ...(this.options.query === undefined ? {} : { query: this.options.query }),
          ...(this.options.sort === undefined ? {} : { sort: this.options.sort }),
          pageSize: this.options.pageSize ?? 1000,
          ...(restored?.after === undefined ? {} : { searchAfter: restored.after }),
        })
        [Symbol.asyncIterator]();
    }
    const next = await this.scanIterator.next();
    if (next.done === true) {
      this.scanIterator = undefined;
      this.pending.shift();
      this.queue.push({
        kind: 'data',
        batch: batchOfValues(origin, [], this.position),
        state: { done: true },
      });
      this.queue.push({ kind: 'splits', finished: [origin] });
      return;
    }
    const mine =
      this.slices === 1
        ? next.value.hits
        : next.value.hits.filter((h) => fnv1a32(h._id) % this.slices === slice);
    for (let i = 0; i < mine.length; i += this.ctx.batchSize) {
      const part = mine.slice(i, i + this.ctx.batchSize);
      this.queue.push({
        kind: 'data',
        batch: this.batch(origin, part),
        state: { after: part[part.length - 1]?.sort ?? [] },
      });
    }
  }

  /** One poll of follow mode, after waiting for its time on the clock. */
  private async followStep(): Promise<void> {
    const f = this.follow as NonNullable<typeof this.follow>;
    const spec = this.options.follow as NonNullable<SearchSourceOptions['follow']>;
    const clock: Clock = this.ctx.clock;
    if (clock.nowMs() < f.nextPollMs) {
      await clock.sleepUntil(f.nextPollMs, this.ctx.signal);
      if (this.ctx.signal.aborted) return;
    }
    f.nextPollMs = clock.nowMs() + spec.pollIntervalMs;
    const from = f.highWater === null ? null : f.highWater - spec.overlapMs;
    const range = from === null ? undefined : { range: { [spec.field]: { gte: from } } };
    const filters = [this.options.query, range].filter((q) => q !== undefined);
    const query = filters.length === 0 ? undefined : { bool: { filter: filters } };
    const origin = followOrigin(this.options.index);
    const scan = (this.engine as SearchEngine).scan(this.options.index, {
      ...(query === undefined ? {} : { query }),
      sort: [{ [spec.field]: 'asc' }],
      pageSize: this.options.pageSize ?? 1000,
    });
    for await (const page of scan) {
      const fresh: SearchHit[] = [];
      for (const hit of page.hits) {
        const value = Number(hit.sort?.[0]);
        if (!Number.isFinite(value)) continue; // no value for the field: cannot be followed
        if (f.seen.get(hit._id) === value) continue;
        f.seen.set(hit._id, value);
        if (f.highWater === null || value > f.highWater) f.highWater = value;
        fresh.push(hit);
      }
      for (let i = 0; i < fresh.length; i += this.ctx.batchSize) {
        const part = fresh.slice(i, i + this.ctx.batchSize);
        this.queue.push({
          kind: 'data',
          batch: this.batch(origin, part),
          state: this.followState(spec.overlapMs),
        });
      }
    }
  }

  /** The window's ids (older entries can no longer be re-read, so they are forgotten). */
  private followState(overlapMs: number): FollowState {
    const f = this.follow as NonNullable<typeof this.follow>;
    const floor = f.highWater === null ? Number.NEGATIVE_INFINITY : f.highWater - overlapMs;
    for (const [id, v] of f.seen) if (v < floor) f.seen.delete(id);
    return { highWater: f.highWater, seen: [...f.seen] };
  }

  private batch(origin: string, hits: readonly SearchHit[]): RecordBatch<SearchRecord> {
    const values = hits.map((h) => ({
      id: h._id,
      index: h._index,
      source: h._source ?? {},
      sort: h.sort ?? [],
    }));
    const batch = batchOfValues(origin, values, this.position);
    this.position += values.length;
    return batch;
  }

  async close(): Promise<void> {
    await this.scanIterator?.return?.();
    await this.shared?.release();
  }
}
