import { ConfigError, reject } from '../../core/errors.js';
import type { BulkAction, BulkTarget } from '../../search/bulk.js';
import type { SearchOp } from './config.js';
import { compileDocumentId, type DocumentIdOption } from './document-id.js';
import { compileIndexName, type IndexNameFunction, readPath } from './index-name-pattern.js';

/** What an emitter knows about the record besides its value. */
export interface EmitContext {
  /** The record's event time (epoch ms), NaN when it has none. */
  readonly timestampMs: number;
  /** Where the record came from (its source split) and its position there: its identity. */
  readonly origin: string;
  readonly position: number;
}

/** Where an emitter puts the actions it makes. */
export interface ActionSink {
  add(action: BulkAction): void;
}

/**
 * Turns a record into zero or more bulk actions (Flink's ElasticsearchEmitter): none to skip it,
 * several for fan-out into several indices or for a change feed (delete the old, index the new).
 * Throw InvalidRecordError (`reject(...)`) for a record that cannot become a document: it goes to
 * the dead letters and the job goes on. Pass your own through `searchSink({ emitter })`.
 */
export interface SearchEmitter<T> {
  emit(record: T, ctx: EmitContext, out: ActionSink): void;
}

export interface DocumentEmitterOptions<T> {
  readonly index: string | IndexNameFunction<T>;
  readonly id: DocumentIdOption<T> | undefined;
  readonly op: SearchOp;
  readonly routingField?: string | undefined;
  readonly versionType?: 'external' | 'external_gte' | undefined;
  readonly versionField?: string | undefined;
  readonly retryOnConflict?: number | undefined;
  readonly dataStream?: boolean | undefined;
  /** Processing time, for index names of records without an event time. */
  readonly nowMs: () => number;
}

/**
 * The emitter built from the sink's options: one action per record. The index comes from the
 * name or pattern (event time for dates, processing time only for records without a timestamp),
 * the id from a field, a function or the record's identity (`id: 'record'`), routing from
 * `routingField`, and with `versionType` an external version from `versionField` or, without one,
 * from the event time, so a replay never overwrites a newer document. A data stream takes only
 * `create` and needs `@timestamp`, filled from the event time when the record has none.
 */
export class DocumentEmitter<T> implements SearchEmitter<T> {
  private readonly indexFor: IndexNameFunction<T>;
  private readonly idFor: ReturnType<typeof compileDocumentId<T>>;
  private readonly routingPath: string[] | undefined;
  private readonly versionPath: string[] | undefined;
  private readonly op: SearchOp;

  constructor(private readonly options: DocumentEmitterOptions<T>) {
    this.indexFor = compileIndexName(options.index, options.nowMs);
    this.idFor = compileDocumentId(options.id);
    this.routingPath = options.routingField?.split('.');
    this.versionPath = options.versionField?.split('.');
    this.op = options.dataStream === true ? 'create' : options.op;
    if (options.dataStream === true && options.op !== 'index' && options.op !== 'create') {
      throw new ConfigError(`a data stream only takes op "create" (got op "${options.op}")`);
    }
    if (options.versionType !== undefined && this.op !== 'index' && this.op !== 'delete') {
      throw new ConfigError(
        `external versioning works with op "index" or "delete" (Elasticsearch refuses it for ${this.op}); got versionType with op "${this.op}"`,
      );
    }
    if (options.versionField !== undefined && options.versionType === undefined) {
      throw new ConfigError('versionField needs versionType ("external" or "external_gte")');
    }
  }

  emit(record: T, ctx: EmitContext, out: ActionSink): void {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      reject(`a document must be a JSON object, got ${Array.isArray(record) ? 'an array' : typeof record}`);
    }
    let document = record as Record<string, unknown>;
    const target: { -readonly [K in keyof BulkTarget]: BulkTarget[K] } = {
      _index: this.indexFor(record, ctx.timestampMs),
    };
    const id = this.idFor?.(record, ctx);
    if (id !== undefined) target._id = String(id);
    if (this.routingPath !== undefined) target.routing = this.routing(record);
    if (this.options.versionType !== undefined) {
      target.version = this.version(record, ctx.timestampMs);
      target.version_type = this.options.versionType;
    }
    if (this.options.dataStream === true && document['@timestamp'] === undefined) {
      if (Number.isNaN(ctx.timestampMs)) reject('a data stream document needs @timestamp or an event time');
      document = { '@timestamp': new Date(ctx.timestampMs).toISOString(), ...document };
    }
    switch (this.op) {
      case 'index':
        out.add({ index: target, document });
        return;
      case 'create':
        out.add({ create: target, document });
        return;
      case 'update':
      case 'upsert':
      case 'delete': {
        if (target._id === undefined) reject(`op "${this.op}" needs a document id: set the sink's id option`);
        const withId = target as BulkTarget & { _id: string };
        if (this.op === 'delete') {
          out.add({ delete: withId });
          return;
        }
        if (this.options.retryOnConflict !== undefined)
          target.retry_on_conflict = this.options.retryOnConflict;
        out.add({
          update: withId,
          body: this.op === 'upsert' ? { doc: document, doc_as_upsert: true } : { doc: document },
        });
        return;
      }
    }
  }

  private routing(record: T): string {
    const v = readPath(record, this.routingPath as string[]);
    if (v === undefined || v === null || v === '' || typeof v === 'object')
      return reject(`routing field "${this.options.routingField}" is missing or not a value`);
    return String(v);
  }

  /** External versions are non-negative integers (ES: at most 2^63 - 1; here exact up to 2^53). */
  private version(record: T, timestampMs: number): number {
    if (this.versionPath === undefined) {
      if (Number.isNaN(timestampMs))
        return reject('external versioning from event time needs records with a timestamp');
      return Math.trunc(timestampMs);
    }
    const v = readPath(record, this.versionPath);
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      return reject(
        `version field "${this.options.versionField}" must be a non-negative integer, got ${JSON.stringify(v)}`,
      );
    return n;
  }
}
