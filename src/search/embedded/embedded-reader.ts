/**
 * EmbeddedReader: answers searches and `_cat/indices` from a data directory without writing it,
 * for `sluice search` and `sluice indices` when no sluice serves the directory. The engine
 * (embedded-engine.ts) loads every index into memory when it opens and is a writer; this reader
 * opens SQLite read-only (store/read-only-store.ts: it creates no file and takes no lock a writer
 * waits for), builds in memory only the indices a request targets, and answers `listIndices` from
 * the stored rows without building any.
 *
 * Made for a command's few requests: built indices are kept while nobody commits, and built again
 * from a new snapshot after another process committed. Each request runs on one read snapshot, so
 * the `_source` of a hit is the version that matched. When the database was opened immutable and a
 * writer appeared meanwhile, the answer is discarded and the request runs again on a new connection.
 */
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../time/system-clock.js';
import type { IndexInfo } from '../index-admin.js';
import type { CountRequest, CountResponse, SearchRequest, SearchResponse } from '../search-request.js';
import { Scratch } from './index/scratch.js';
import { indexInfo } from './index-info.js';
import { resolveIndexPattern } from './index-pattern.js';
import { applyDocRow, type ReplicaIndex, replicaIndex, searchTargetOf } from './replica/replica-index.js';
import { checkRequestNesting } from './search/request-depth.js';
import { executeCount, executeSearch } from './search/search-executor.js';
import type { SearchTarget } from './search/search-target.js';
import { ReadOnlyStore } from './store/read-only-store.js';
import type { IndexRow } from './store/sqlite-store.js';

/** Reads of an immutable open that overlapped a writer are redone at most this often. */
const MAX_ATTEMPTS = 3;

export interface EmbeddedReaderOptions {
  /** Directory holding `search.db`; it must exist (nothing is created). */
  readonly dataDir: string;
  /** Source of "now" for date math (`now-15m`); default the system clock. */
  readonly clock?: Clock;
}

export class EmbeddedReader {
  private store: ReadOnlyStore;
  private readonly built = new Map<number, ReplicaIndex>();
  private builtAtVersion = -1;
  private readonly scratch = new Scratch();

  private constructor(
    private readonly dataDir: string,
    private readonly clock: Clock,
  ) {
    this.store = new ReadOnlyStore(dataDir);
  }

  /** Throws when the directory holds no `search.db`. */
  static open(options: EmbeddedReaderOptions): EmbeddedReader {
    return new EmbeddedReader(options.dataDir, options.clock ?? systemClock);
  }

  /** How the database is open (store/read-only-store.ts); for tests and diagnostics. */
  get mode(): ReadOnlyStore['mode'] {
    return this.store.mode;
  }

  /** Names of the indices built in memory so far, sorted (for tests). */
  get builtIndices(): string[] {
    return [...this.built.values()].map((index) => index.name).sort();
  }

  /** `_cat/indices` rows from the stored rows: live documents and their `_source` characters. */
  async listIndices(pattern?: string): Promise<IndexInfo[]> {
    return this.read(() => {
      const rows = this.store.listIndices();
      const counts = new Map(this.store.counts().map((c) => [c.idx, c]));
      return this.resolve(rows, pattern).map((row) => {
        const count = counts.get(row.idx);
        // A freshly built index has no deleted doc numbers: docs.deleted is 0, as the engine's
        // replica reports right after opening the directory.
        return indexInfo(row.name, row.uuid, count?.docs ?? 0, 0, count?.sourceChars ?? 0);
      });
    });
  }

  async search(pattern: string, body?: SearchRequest): Promise<SearchResponse> {
    checkRequestNesting(body);
    const nowMs = this.clock.nowMs();
    return this.read(() =>
      executeSearch(
        this.targets(pattern),
        body,
        { nowMs: () => nowMs, sleepUntil: async () => {} },
        this.scratch,
      ),
    );
  }

  async count(pattern: string, body?: CountRequest): Promise<CountResponse> {
    checkRequestNesting(body);
    const nowMs = this.clock.nowMs();
    return this.read(() =>
      executeCount(this.targets(pattern), body, { nowMs: () => nowMs, sleepUntil: async () => {} }),
    );
  }

  async close(): Promise<void> {
    this.store.close();
    this.built.clear();
  }

  /** Runs `fn` on one snapshot; again on a new connection when the snapshot was not consistent. */
  private read<T>(fn: () => T): T {
    for (let attempt = 1; ; attempt++) {
      const version = this.store.dataVersion(); // before the snapshot: a later commit rebuilds next time
      let result: T;
      try {
        result = this.store.readTransaction(() => {
          if (version !== this.builtAtVersion) this.built.clear();
          return fn();
        });
      } catch (e) {
        // A refusal (no such index, a bad query) stands; so does any error on a valid snapshot.
        if (this.store.unchanged()) throw e;
        this.reopen(attempt);
        continue;
      }
      this.builtAtVersion = version;
      if (this.store.unchanged()) return result;
      this.reopen(attempt);
    }
  }

  /**
   * Opened immutable, and a writer started meanwhile: what was read may mix two states. Now that it
   * writes there is a WAL, so the new connection is an ordinary WAL reader; the last attempt is one
   * even if the writer has already gone again.
   */
  private reopen(attempt: number): void {
    this.store.close();
    this.built.clear();
    this.builtAtVersion = -1;
    this.store = new ReadOnlyStore(this.dataDir, { immutable: attempt + 1 < MAX_ATTEMPTS });
  }

  private resolve(rows: readonly IndexRow[], pattern: string | undefined): IndexRow[] {
    const byName = new Map(rows.map((row) => [row.name, row]));
    return resolveIndexPattern(pattern, [...byName.keys()]).map((name) => byName.get(name)!);
  }

  /** The indices `pattern` names, built from the current snapshot where not built yet. */
  private targets(pattern: string): SearchTarget[] {
    const rows = this.resolve(this.store.listIndices(), pattern);
    const missing = new Map<number, ReplicaIndex>();
    for (const row of rows) {
      const built = this.built.get(row.idx);
      if (built === undefined || built.mappingVersion !== row.mapping_version)
        missing.set(row.idx, replicaIndex(row));
    }
    if (missing.size > 0) {
      for (const doc of this.store.liveDocsOf([...missing.keys()])) applyDocRow(missing.get(doc.idx)!, doc);
      for (const [idx, index] of missing) this.built.set(idx, index);
    }
    return rows.map((row) => searchTargetOf(this.built.get(row.idx)!, (seq) => this.store.source(seq)));
  }
}
