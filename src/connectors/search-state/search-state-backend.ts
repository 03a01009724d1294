/**
 * Keyed state that lives in a search index, so users can search live state ("the open session of
 * each user right now") with the same queries as their data.
 *
 * Design (a transaction over a cache, after Quix's PartitionTransaction): every state call of the
 * hot path is synchronous against an in-memory cache (the heap backend, which also honours TTL:
 * expired entries are invisible at once). `flush()` makes the cache durable in the index: it takes
 * one consistent copy of the cache, compares it with what the last flush wrote (the dirty set is
 * that difference), and writes only the changed documents and deletes for the vanished ones
 * (removed or expired entries) in bulk requests. `snapshotTo` (the checkpoint path) flushes after
 * streaming the job snapshot, so state is durable in the index at every checkpoint.
 * `restoreFromIndex()` (async, before processing) reads back the documents of the key groups this
 * instance owns, so a job can restart from the index alone, also with another parallelism.
 *
 * Documents: one per (operator, key group, state name, key), id
 *   `<operatorId>|<keyGroup>|<stateName>|<JSON of the key>`
 * and one per (operator, key group, timer service): `<operatorId>|<keyGroup>|timers:<service>|`.
 * Fields (mapping created with the index):
 *   operator keyword, key_group integer, state keyword, kind keyword (value/list/map/namespaced/timers),
 *   key keyword (String(key)), data.json (the exact stored rows after the key, as a JSON string, in
 *   a disabled object: kept in _source, never indexed, so any size and shape is fine; numbers JSON
 *   cannot hold, the -Infinity namespace of global windows and timers, ±Infinity and NaN in
 *   values, and -0, are written as `{"$sluice.number":"-Infinity"}`, and read back as the number),
 *   value.<stateName> (value state only: the value, dynamically mapped, for searching),
 *   flushed_at_ms date (clock time of the flush that wrote it).
 * Between two flushes the index lags the cache: an entry that expired since the last flush is still
 * in the index until the next one (filter on your own timestamp fields when that matters).
 */
import type { Clock } from '../../core/clock.js';
import type { Key } from '../../core/key.js';
import type { BulkAction } from '../../search/bulk.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { HeapKeyedStateBackend } from '../../state/heap/heap-keyed-state-backend.js';
import type { KeyGroupRange } from '../../state/key-groups.js';
import type {
  KeyedStateSnapshot,
  KeyedStateSnapshotWriter,
  KeyGroupSnapshot,
  SnapshotToOptions,
  StateKind,
  TimerSnapshot,
} from '../../state/keyed-state-snapshot.js';
import type { KeyedStateBackend, StateBackend } from '../../state/state-backend.js';

export const STATE_INDEX_MAPPINGS = {
  properties: {
    operator: { type: 'keyword' },
    key_group: { type: 'integer' },
    state: { type: 'keyword' },
    kind: { type: 'keyword' },
    key: { type: 'keyword' },
    data: { type: 'object', enabled: false },
    flushed_at_ms: { type: 'date' },
  },
} as const;

const ACTIONS_PER_BULK = 500;

const NUMBER_TAG = '$sluice.number';

/** JSON text of stored rows, keeping ±Infinity, NaN and -0 (see the encoding above). */
function encodeRows(rows: unknown): string {
  return JSON.stringify(rows, (_key, value: unknown) =>
    typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))
      ? { [NUMBER_TAG]: Object.is(value, -0) ? '-0' : String(value) }
      : value,
  );
}

function decodeRows(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const tagged = (value as Record<string, unknown>)[NUMBER_TAG];
    return typeof tagged === 'string' && Object.keys(value).length === 1 ? Number(tagged) : value;
  });
}

export interface SearchStateBackendOptions {
  readonly engine: SearchEngine;
  readonly index: string;
}

export function searchStateBackend(options: SearchStateBackendOptions): SearchStateBackend {
  return new SearchStateBackend(options.engine, options.index);
}

export class SearchStateBackend implements StateBackend {
  readonly name = 'search';
  constructor(
    readonly engine: SearchEngine,
    readonly index: string,
  ) {}
  createKeyedStateBackend(options: {
    operatorId: string;
    keyGroupRange: KeyGroupRange;
    maxParallelism: number;
    clock: Clock;
  }): SearchKeyedStateBackend {
    return new SearchKeyedStateBackend(
      this.engine,
      this.index,
      options.operatorId,
      options.keyGroupRange,
      options.maxParallelism,
      options.clock,
    );
  }
}

interface StateDoc {
  readonly operator: string;
  readonly key_group: number;
  readonly state: string;
  readonly kind: StateKind | 'timers';
  readonly key: string;
  readonly data: string;
  readonly value?: Record<string, unknown>;
}

export class SearchKeyedStateBackend extends HeapKeyedStateBackend implements KeyedStateBackend {
  /** What the last flush wrote: document id -> its `data`. */
  private written = new Map<string, string>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: SearchEngine,
    private readonly index: string,
    private readonly operatorId: string,
    keyGroupRange: KeyGroupRange,
    maxParallelism: number,
    private readonly stateClock: Clock,
  ) {
    super(keyGroupRange, maxParallelism, stateClock);
  }

  override async snapshotTo(writer: KeyedStateSnapshotWriter, options?: SnapshotToOptions): Promise<void> {
    await super.snapshotTo(writer, options);
    await this.flush();
  }

  /** Writes the cache's changes since the last flush; resolves once the index acknowledged them. */
  flush(): Promise<void> {
    // One flush at a time, each from its own consistent copy taken when it starts.
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    const docs = this.documents(this.snapshot());
    const actions: BulkAction[] = [];
    const next = new Map<string, string>();
    const flushedAtMs = this.stateClock.nowMs();
    for (const [id, doc] of docs) {
      next.set(id, doc.data);
      if (this.written.get(id) !== doc.data)
        actions.push({
          index: { _index: this.index, _id: id },
          document: { ...doc, data: { json: doc.data }, flushed_at_ms: flushedAtMs },
        });
    }
    for (const id of this.written.keys())
      if (!next.has(id)) actions.push({ delete: { _index: this.index, _id: id } } as BulkAction);
    if (actions.length > 0 && !(await this.engine.indexExists(this.index)))
      await this.engine
        .createIndex(this.index, { mappings: STATE_INDEX_MAPPINGS } as never)
        .catch((error: unknown) => {
          // another instance may have created it meanwhile; anything else is a real failure
          if (!/already_exists/.test(String(error))) throw error;
        });
    for (let i = 0; i < actions.length; i += ACTIONS_PER_BULK) {
      const response = await this.engine.bulk(actions.slice(i, i + ACTIONS_PER_BULK));
      const failed = response.items.find((item) => {
        const r = Object.values(item)[0] as { status: number; error?: unknown } | undefined;
        return r !== undefined && r.status >= 300 && r.status !== 404;
      });
      if (failed !== undefined)
        throw new Error(`state flush to ${this.index} failed: ${JSON.stringify(failed)}`);
    }
    if (actions.length > 0) await this.engine.refresh(this.index);
    this.written = next;
  }

  private documents(snapshot: KeyedStateSnapshot): Map<string, StateDoc> {
    const docs = new Map<string, StateDoc>();
    for (const group of snapshot.keyGroups) {
      for (const [state, table] of Object.entries(group.states)) {
        for (const row of table.entries) {
          const key = row[0] as Key;
          const data = encodeRows(row.slice(1));
          const id = `${this.operatorId}|${group.keyGroup}|${state}|${JSON.stringify(key)}`;
          const plain = table.kind === 'value' ? unwrapTtl(row[1]) : undefined;
          // one document per key: namespaced rows of the same key share it
          const prior = docs.get(id);
          const merged = prior === undefined ? `[${data}]` : `${prior.data.slice(0, -1)},${data}]`;
          docs.set(id, {
            operator: this.operatorId,
            key_group: group.keyGroup,
            state,
            kind: table.kind,
            key: String(key),
            data: merged,
            ...(plain === undefined ? {} : { value: { [state]: plain } }),
          });
        }
      }
      for (const [service, timers] of Object.entries(group.timers)) {
        if (timers.length === 0) continue;
        const id = `${this.operatorId}|${group.keyGroup}|timers:${service}|`;
        docs.set(id, {
          operator: this.operatorId,
          key_group: group.keyGroup,
          state: `timers:${service}`,
          kind: 'timers',
          key: '',
          data: encodeRows(timers),
        });
      }
    }
    return docs;
  }

  /** Loads the documents of the key groups this instance owns; call before processing. */
  async restoreFromIndex(): Promise<void> {
    await this.flushing;
    const groups = new Map<
      number,
      {
        states: Record<string, { kind: StateKind; entries: unknown[][] }>;
        timers: Record<string, TimerSnapshot[]>;
      }
    >();
    const written = new Map<string, string>();
    if (await this.engine.indexExists(this.index)) {
      const { startKeyGroup, endKeyGroup } = this.keyGroupRange as unknown as {
        startKeyGroup: number;
        endKeyGroup: number;
      };
      const query = {
        bool: {
          filter: [
            { term: { operator: this.operatorId } },
            { range: { key_group: { gte: startKeyGroup, lte: endKeyGroup } } },
          ],
        },
      };
      for await (const page of this.engine.scan(this.index, { query, pageSize: 1000 })) {
        for (const hit of page.hits) {
          const source = hit._source as unknown as Omit<StateDoc, 'data'> & { data: { json: string } };
          const doc: StateDoc = { ...source, data: source.data.json };
          written.set(hit._id, doc.data);
          let group = groups.get(doc.key_group);
          if (group === undefined) groups.set(doc.key_group, (group = { states: {}, timers: {} }));
          if (doc.kind === 'timers') {
            group.timers[doc.state.slice('timers:'.length)] = decodeRows(doc.data) as TimerSnapshot[];
            continue;
          }
          const key = JSON.parse(
            hit._id.slice(hit._id.indexOf('|', hit._id.indexOf('|', hit._id.indexOf('|') + 1) + 1) + 1),
          ) as Key;
          const table = (group.states[doc.state] ??= { kind: doc.kind, entries: [] });
          for (const rest of decodeRows(doc.data) as unknown[][]) table.entries.push([key, ...rest]);
        }
      }
    }
    const keyGroups: KeyGroupSnapshot[] = [...groups].map(([keyGroup, g]) => ({
      keyGroup,
      states: g.states,
      timers: g.timers,
    }));
    this.restore({ formatVersion: 1, maxParallelism: this.maxParallelism, keyGroups });
    this.written = written;
  }
}

function unwrapTtl(stored: unknown): unknown {
  if (stored !== null && typeof stored === 'object' && 'lastAccessMs' in stored && 'value' in stored)
    return (stored as { value: unknown }).value;
  return stored;
}
