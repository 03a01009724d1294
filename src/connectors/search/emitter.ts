import { reject } from '../../core/errors.js';
import type { BulkAction } from '../../search/bulk.js';
import type { SearchOp } from './config.js';
import { compileDocumentId, type DocumentIdFunction } from './document-id.js';
import { compileIndexName, type IndexNameFunction } from './index-name-pattern.js';

/**
 * Turns a record into one bulk action (Flink's ElasticsearchEmitter): resolves the index from the
 * pattern, the id from the field or function, and wraps the record for the op type. Records that
 * cannot become a document (not an object, missing id or index field) are rejected as bad input.
 */
export class DocumentEmitter<T> {
  private readonly indexFor: IndexNameFunction<T>;
  private readonly idFor: DocumentIdFunction<T> | undefined;

  constructor(
    index: string | IndexNameFunction<T>,
    id: string | DocumentIdFunction<T> | undefined,
    private readonly op: SearchOp,
    nowMs: () => number,
  ) {
    this.indexFor = compileIndexName(index, nowMs);
    this.idFor = compileDocumentId(id);
  }

  emit(record: T, timestampMs: number): BulkAction {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      reject(`a document must be a JSON object, got ${Array.isArray(record) ? 'an array' : typeof record}`);
    }
    const document = record as Record<string, unknown>;
    const _index = this.indexFor(record, timestampMs);
    const raw = this.idFor?.(record);
    const _id = raw === undefined ? undefined : String(raw);
    switch (this.op) {
      case 'index':
        return { index: _id === undefined ? { _index } : { _index, _id }, document };
      case 'create':
        return { create: _id === undefined ? { _index } : { _index, _id }, document };
      case 'update':
      case 'upsert':
      case 'delete': {
        if (_id === undefined) return reject(`op "${this.op}" needs a document id: set the sink's id option`);
        if (this.op === 'delete') return { delete: { _index, _id } };
        return {
          update: { _index, _id },
          body: this.op === 'upsert' ? { doc: document, doc_as_upsert: true } : { doc: document },
        };
      }
    }
  }
}
