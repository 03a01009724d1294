/**
 * Applies `_bulk` actions inside one SQLite write transaction, item by item with ES's semantics:
 * index (create or overwrite, generated id when missing), create (409 when the id exists), update
 * (partial `doc` deep-merged, `doc_as_upsert`, `upsert`, `noop` when nothing changes), delete
 * (`not_found` is a result, not an error). A failing item (mapping conflict, version conflict,
 * missing document) is reported in its slot and the others go on.
 */
import { randomBytes } from 'node:crypto';
import { type BulkAction, type BulkItemResult, bulkOpType, type UpdateBody } from '../bulk.js';
import { contentParseError, SearchEngineError } from '../search-engine-error.js';
import { BulkResults, SHARDS } from './bulk-results.js';
import type { IdVersions } from './id-versions.js';
import { parseDocument } from './mapping/document-parser.js';
import { isPlainObject } from './mapping/index-mapping.js';
import type { OpenIndex } from './open-index.js';
import { type CommittedRows, CommittedRowsPacker } from './replica/committed-rows.js';
import { RowWriter } from './store/row-writer.js';
import type { DocRow, SqliteStore } from './store/sqlite-store.js';

export interface BulkWriterContext {
  readonly store: SqliteStore;
  /** The ids and versions of an index (loaded on first use within the write transaction). */
  versionsOf(index: OpenIndex): IdVersions;
  /** The index named `name`, auto-created (dynamic mapping) when missing. */
  indexFor(name: string): OpenIndex;
  /** Hands a chunk of written rows to the replica (staged there until the commit). */
  stage(rows: CommittedRows): void;
}

/** ES-style ids: 20 url-safe base64 characters. */
export function generateId(): string {
  return randomBytes(15).toString('base64url');
}

export class BulkWriter {
  /** Indices whose mapping grew during this bulk (persisted before commit). */
  readonly changedMappings = new Set<OpenIndex>();
  /** Whether any item failed (the response's `errors`). */
  failed = false;
  /** The rows this bulk writes, in seq order, staged at the replica chunk by chunk (`finish` sends the rest). */
  private readonly rows: CommittedRowsPacker;
  /** The rows' SQLite writes, several per statement; a row's seq is known as soon as it is queued. */
  private readonly docRows: RowWriter;

  /** Each action's outcome, by position. */
  readonly results: BulkResults;
  private slot = 0;

  constructor(
    private readonly ctx: BulkWriterContext,
    actionCount: number,
  ) {
    this.results = new BulkResults(actionCount);
    this.rows = new CommittedRowsPacker((rows) => ctx.stage(rows));
    this.docRows = new RowWriter(ctx.store);
  }

  /** After the last action: writes the rows still queued and stages the rows not sent yet. */
  finish(): void {
    this.docRows.flush();
    this.rows.flush();
  }

  /** Applies the next action of the bulk; its outcome goes into `results` at the action's position. */
  apply(action: BulkAction): void {
    const slot = this.slot++;
    const op = bulkOpType(action);
    const target = (action as Record<string, { _index: string; _id?: string }>)[op]!;
    const id = target._id ?? generateId();
    try {
      const index = this.ctx.indexFor(target._index);
      if ('index' in action) this.write(slot, index, id, action.document, 'index');
      else if ('create' in action) this.write(slot, index, id, action.document, 'create');
      else if ('update' in action) this.update(slot, index, id, action.body);
      else this.results.item(slot, { delete: this.delete(index, id) });
    } catch (e) {
      if (!(e instanceof SearchEngineError)) throw e;
      const error = {
        ...e.toCause(),
        ...(e.type === 'invalid_index_name_exception' ? {} : { shard: '0' }),
        index: target._index,
      };
      this.failed = true;
      this.results.item(slot, { [op]: { _index: target._index, _id: id, status: e.status, error } });
    }
  }

  private write(
    slot: number,
    index: OpenIndex,
    id: string,
    document: Record<string, unknown>,
    op: 'index' | 'create',
  ): void {
    const versions = this.ctx.versionsOf(index);
    const signed = versions.signedVersion(id);
    if (op === 'create' && signed > 0) {
      throw new SearchEngineError(
        'version_conflict_engine_exception',
        `[${id}]: version conflict, document already exists (current version [${signed}])`,
        409,
        { extra: { index_uuid: index.uuid } },
      );
    }
    this.store(slot, op, index, id, document, signed > 0 ? 'updated' : 'created', Math.abs(signed), versions);
  }

  /** Validates against the mapping (growing it dynamically), then writes the row with the next version. */
  private store(
    slot: number,
    op: 'index' | 'create' | 'update',
    index: OpenIndex,
    id: string,
    document: Record<string, unknown>,
    result: 'created' | 'updated',
    previousVersion: number,
    versions: IdVersions,
    serialized?: string,
  ): void {
    // Parsed first: it refuses documents nested too deep for JSON.stringify with a per-item error.
    const parsed = parseDocument(index.mapping, document, id);
    const source = serialized ?? JSON.stringify(document);
    if (parsed.mappingChanged) this.changedMappings.add(index);
    const version = previousVersion + 1;
    const seq = this.docRows.put(index.idx, id, version, source);
    this.rows.add(seq, index.idx, id, version, parsed, source.length);
    versions.written(id, version);
    this.results.written(slot, op, index.name, id, version, seq, result);
  }

  /** `body` is an object: validateBulkActions checked every action before the bulk began. */
  private update(slot: number, index: OpenIndex, id: string, body: UpdateBody): void {
    for (const key of Object.keys(body)) {
      if (!['doc', 'doc_as_upsert', 'upsert', 'detect_noop'].includes(key))
        throw contentParseError(`[UpdateRequest] unknown field [${key}]`);
    }
    const versions = this.ctx.versionsOf(index);
    let current: DocRow | undefined;
    if (versions.liveVersion(id) !== undefined) {
      this.docRows.flush(); // the current row may still be queued
      current = this.ctx.store.current(index.idx, id);
    }
    if (current === undefined || current.source === null) {
      const previousVersion = versions.lastVersion(id);
      if (body.upsert !== undefined)
        this.store(slot, 'update', index, id, body.upsert, 'created', previousVersion, versions);
      else if (body.doc_as_upsert === true && body.doc !== undefined)
        this.store(slot, 'update', index, id, body.doc, 'created', previousVersion, versions);
      else
        throw new SearchEngineError('document_missing_exception', `[${id}]: document missing`, 404, {
          extra: { index_uuid: index.uuid },
        });
      return;
    }
    if (body.doc === undefined) {
      throw new SearchEngineError(
        'action_request_validation_exception',
        'Validation Failed: 1: script or doc is missing;',
        400,
      );
    }
    const stored = JSON.parse(current.source) as Record<string, unknown>;
    const merged = deepMerge(stored, body.doc);
    const mergedSource = JSON.stringify(merged);
    if (body.detect_noop !== false && mergedSource === current.source) {
      const noop: BulkItemResult = {
        _index: index.name,
        _id: id,
        _version: current.version,
        result: 'noop',
        _shards: { total: 0, successful: 0, failed: 0 },
        _seq_no: current.seq - 1,
        _primary_term: 1,
        status: 200,
      };
      this.results.item(slot, { update: noop });
      return;
    }
    this.store(slot, 'update', index, id, merged, 'updated', current.version, versions, mergedSource);
  }

  private delete(index: OpenIndex, id: string): BulkItemResult {
    const versions = this.ctx.versionsOf(index);
    const live = versions.liveVersion(id);
    if (live === undefined) {
      return {
        _index: index.name,
        _id: id,
        _version: versions.lastVersion(id) + 1,
        result: 'not_found',
        _shards: SHARDS,
        _seq_no: -1,
        _primary_term: 1,
        status: 404,
      };
    }
    const version = live + 1;
    const seq = this.docRows.put(index.idx, id, version, null);
    this.rows.add(seq, index.idx, id, version, null, 0);
    versions.deleted(id, version);
    return {
      _index: index.name,
      _id: id,
      _version: version,
      result: 'deleted',
      _shards: SHARDS,
      _seq_no: seq - 1,
      _primary_term: 1,
      status: 200,
    };
  }
}

/** ES's partial-update merge: objects merge recursively, everything else (arrays included) is replaced. */
export function deepMerge(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** Checks the shape of every action before anything is written (ES fails the whole request on these). */
export function validateBulkActions(actions: readonly BulkAction[]): void {
  const problems: string[] = [];
  actions.forEach((action, i) => {
    if (!isPlainObject(action)) {
      problems.push(`${i + 1}: action must be an object`);
      return;
    }
    // Counted without building a list: this runs for every action of every bulk.
    const opCount =
      Number('index' in action) +
      Number('create' in action) +
      Number('update' in action) +
      Number('delete' in action);
    if (opCount !== 1) {
      problems.push(`${i + 1}: exactly one of index, create, update, delete is required`);
      return;
    }
    const op = bulkOpType(action);
    const target = (action as Record<string, unknown>)[op];
    if (!isPlainObject(target) || typeof target._index !== 'string')
      problems.push(`${i + 1}: index is missing`);
    else if ((op === 'update' || op === 'delete') && typeof target._id !== 'string')
      problems.push(`${i + 1}: id is missing`);
    else if (target._id !== undefined && (typeof target._id !== 'string' || target._id === ''))
      problems.push(`${i + 1}: id must be a non-empty string`);
    if ((op === 'index' || op === 'create') && !isPlainObject((action as { document?: unknown }).document)) {
      problems.push(`${i + 1}: source is missing`);
    }
    if (op === 'update' && !isPlainObject((action as { body?: unknown }).body))
      problems.push(`${i + 1}: script or doc is missing`);
  });
  if (problems.length > 0) {
    throw new SearchEngineError(
      'action_request_validation_exception',
      `Validation Failed: ${problems.join(';')};`,
      400,
    );
  }
}
