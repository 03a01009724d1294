/**
 * Applies `_bulk` actions inside one SQLite write transaction, item by item with ES's semantics:
 * index (create or overwrite, generated id when missing), create (409 when the id exists), update
 * (partial `doc` deep-merged, `doc_as_upsert`, `upsert`, `noop` when nothing changes), delete
 * (`not_found` is a result, not an error). A failing item (mapping conflict, version conflict,
 * missing document) is reported in its slot and the others go on.
 *
 * Per-action metadata (BulkTarget), each honoured or refused as Elasticsearch does:
 * - `version` + `version_type` external/external_gte: the document takes the given version; an
 *   older one fails the item with `version_conflict_engine_exception` (409). Internal versioning
 *   with a `version`, external with create or update: refused in validation like ES (400).
 * - `if_seq_no` + `if_primary_term`: compare-and-set on the stored row's seq_no (seq - 1) and the
 *   one primary term (1); a mismatch or a missing document is a 409.
 * - `routing`: accepted and without effect: the embedded engine has one shard, so every routing
 *   value leads to it (as on a one-shard index in ES); `_routing` is not stored or returned.
 * - `pipeline`: there are no ingest pipelines here: the item fails with ES's
 *   `illegal_argument_exception` "pipeline with id [x] does not exist" (400); `_none` is accepted.
 * - `retry_on_conflict`: accepted; one writer applies a bulk's items in order, so an update
 *   never races another write here.
 */
import { randomBytes } from 'node:crypto';
import {
  type BulkAction,
  type BulkItemResult,
  type BulkOpType,
  type BulkTarget,
  bulkOpType,
  type UpdateBody,
} from '../bulk.js';
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

  /**
   * Applies the next action of the bulk; its outcome goes into `results` at the action's position.
   * `serialized` is the action's NDJSON when the caller had it (BulkOptions.serialized): an
   * index/create then stores its source line as is instead of serializing the document again.
   */
  apply(action: BulkAction, serialized?: string): void {
    const slot = this.slot++;
    const op = bulkOpType(action);
    const target = (action as unknown as Record<BulkOpType, BulkTarget>)[op];
    const id = target._id ?? generateId();
    try {
      if (target.pipeline !== undefined && target.pipeline !== '_none') {
        throw new SearchEngineError(
          'illegal_argument_exception',
          `pipeline with id [${target.pipeline}] does not exist`,
          400,
        );
      }
      const index = this.ctx.indexFor(target._index);
      if ('index' in action || 'create' in action) {
        const source = serialized === undefined ? undefined : sourceLine(serialized);
        this.write(slot, index, id, action.document, op as 'index' | 'create', target, source);
      } else if ('update' in action) this.update(slot, index, id, action.body, target);
      else this.results.item(slot, { delete: this.delete(index, id, target) });
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
    target: BulkTarget,
    source: string | undefined,
  ): void {
    const versions = this.ctx.versionsOf(index);
    const signed = versions.signedVersion(id);
    if (op === 'create' && signed > 0) {
      throw versionConflict(
        index,
        `[${id}]: version conflict, document already exists (current version [${signed}])`,
      );
    }
    if (target.if_seq_no !== undefined) this.checkSeqNo(index, id, target);
    const version = nextVersion(index, id, target, signed);
    this.store(slot, op, index, id, document, signed > 0 ? 'updated' : 'created', version, versions, source);
  }

  /** `if_seq_no`/`if_primary_term`: the stored document must be at exactly that sequence number (one primary term here). */
  private checkSeqNo(index: OpenIndex, id: string, target: BulkTarget): void {
    this.docRows.flush(); // the current row may still be queued
    const row = this.ctx.store.current(index.idx, id);
    const required = `[${id}]: version conflict, required seqNo [${target.if_seq_no}], primary term [${target.if_primary_term}].`;
    if (row === undefined || row.source === null)
      throw versionConflict(index, `${required} but no document was found`);
    const seqNo = row.seq - 1;
    if (seqNo !== target.if_seq_no || target.if_primary_term !== 1)
      throw versionConflict(index, `${required} current document has seqNo [${seqNo}] and primary term [1]`);
  }

  /** Validates against the mapping (growing it dynamically), then writes the row with the next version. */
  private store(
    slot: number,
    op: 'index' | 'create' | 'update',
    index: OpenIndex,
    id: string,
    document: Record<string, unknown>,
    result: 'created' | 'updated',
    version: number,
    versions: IdVersions,
    serialized?: string,
  ): void {
    // Parsed first: it refuses documents nested too deep for JSON.stringify with a per-item error.
    const parsed = parseDocument(index.mapping, document, id);
    const source = serialized ?? JSON.stringify(document);
    if (parsed.mappingChanged) this.changedMappings.add(index);
    const seq = this.docRows.put(index.idx, id, version, source);
    this.rows.add(seq, index.idx, id, version, parsed, source.length);
    versions.written(id, version);
    this.results.written(slot, op, index.name, id, version, seq, result);
  }

  /** `body` is an object: validateBulkActions checked every action before the bulk began. */
  private update(slot: number, index: OpenIndex, id: string, body: UpdateBody, target: BulkTarget): void {
    for (const key of Object.keys(body)) {
      if (!['doc', 'doc_as_upsert', 'upsert', 'detect_noop'].includes(key))
        throw contentParseError(`[UpdateRequest] unknown field [${key}]`);
    }
    const versions = this.ctx.versionsOf(index);
    let current: DocRow | undefined;
    if (target.if_seq_no !== undefined) this.checkSeqNo(index, id, target);
    if (versions.liveVersion(id) !== undefined) {
      this.docRows.flush(); // the current row may still be queued
      current = this.ctx.store.current(index.idx, id);
    }
    if (current === undefined || current.source === null) {
      const version = versions.lastVersion(id) + 1;
      if (body.upsert !== undefined)
        this.store(slot, 'update', index, id, body.upsert, 'created', version, versions);
      else if (body.doc_as_upsert === true && body.doc !== undefined)
        this.store(slot, 'update', index, id, body.doc, 'created', version, versions);
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
    this.store(slot, 'update', index, id, merged, 'updated', current.version + 1, versions, mergedSource);
  }

  private delete(index: OpenIndex, id: string, target: BulkTarget): BulkItemResult {
    const versions = this.ctx.versionsOf(index);
    if (target.if_seq_no !== undefined) this.checkSeqNo(index, id, target);
    const live = versions.liveVersion(id);
    const last = versions.lastVersion(id);
    const version = nextVersion(index, id, target, live ?? -last);
    if (live === undefined) {
      return {
        _index: index.name,
        _id: id,
        _version: version,
        result: 'not_found',
        _shards: SHARDS,
        _seq_no: -1,
        _primary_term: 1,
        status: 404,
      };
    }
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

/** The document line of an index/create action's NDJSON (`{action}\n{document}\n`). */
function sourceLine(ndjson: string): string {
  return ndjson.slice(ndjson.indexOf('\n') + 1, ndjson.length - 1);
}

function versionConflict(index: OpenIndex, reason: string): SearchEngineError {
  return new SearchEngineError('version_conflict_engine_exception', reason, 409, {
    extra: { index_uuid: index.uuid },
  });
}

/**
 * The version a write gives the document. Internal: the last one plus one. External (`version_type`
 * external / external_gte): the given version, which must be newer than (external) or at least
 * (external_gte) the stored one, live or deleted, or the write fails with a 409 as in
 * Elasticsearch. Difference: ES forgets a deleted document's version after `index.gc_deletes`
 * (60 s); the embedded engine keeps tombstones, so it keeps refusing older versions after that.
 * `signed` is IdVersions' signed version (> 0 live, < 0 deleted, 0 never written).
 */
function nextVersion(index: OpenIndex, id: string, target: BulkTarget, signed: number): number {
  const current = Math.abs(signed);
  const type = target.version_type;
  if (type !== 'external' && type !== 'external_gte') return current + 1;
  const given = target.version as number;
  if (signed !== 0 && (type === 'external' ? current >= given : current > given)) {
    throw versionConflict(
      index,
      `[${id}]: version conflict, current version [${current}] is higher${type === 'external' ? ' or equal to' : ' than'} the one provided [${given}]`,
    );
  }
  return given;
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
    if (isPlainObject(target))
      problems.push(...targetProblems(op, target as unknown as BulkTarget).map((p) => `${i + 1}: ${p}`));
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

const VERSION_TYPES = new Set(['internal', 'external', 'external_gte']);

/** The checks ES's request validation makes on versioning and compare-and-set parameters. */
function targetProblems(op: BulkOpType, target: BulkTarget): string[] {
  const problems: string[] = [];
  const type = target.version_type ?? 'internal';
  if (!VERSION_TYPES.has(type)) {
    problems.push(`version type [${String(type)}] is not supported`);
    return problems;
  }
  const hasVersion = target.version !== undefined;
  if (hasVersion && !Number.isSafeInteger(target.version)) problems.push(`version must be an integer`);
  if (op === 'update' && type !== 'internal')
    problems.push(`version type [${type.toUpperCase()}] is not supported by the update API`);
  else if (op === 'create' && type !== 'internal')
    problems.push('create operations only support internal versioning. use index instead');
  else if (type !== 'internal' && !(hasVersion && (target.version as number) >= 0))
    problems.push(`illegal version value [${target.version ?? -3}] for version type [${type.toUpperCase()}]`);
  if (type === 'internal' && hasVersion)
    problems.push(
      'internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead',
    );
  const cas = target.if_seq_no !== undefined || target.if_primary_term !== undefined;
  if (cas) {
    if (op === 'create') problems.push('create operations do not support compare and set. use index instead');
    if (hasVersion) problems.push('compare and write operations can not use versioning');
    if (target.if_seq_no === undefined || target.if_seq_no < 0)
      problems.push(`ifSeqNo is unassigned, but primary term is [${target.if_primary_term}]`);
    else if (target.if_primary_term === undefined || target.if_primary_term <= 0)
      problems.push(`ifSeqNo is set, but primary term is [${target.if_primary_term ?? 0}]`);
  }
  if (target.routing !== undefined && (typeof target.routing !== 'string' || target.routing === ''))
    problems.push('routing must be a non-empty string');
  return problems;
}
