/** Requests and answers of the index-level APIs (create, mapping, `_cat/indices`). */

/** A field mapping as ES's JSON has it (`{ type: 'keyword', ignore_above: 256 }`, `{ properties }`). */
export interface FieldMapping {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, FieldMapping>>;
  readonly fields?: Readonly<Record<string, FieldMapping>>;
  readonly [option: string]: unknown;
}

export interface IndexMappings {
  readonly dynamic?: boolean | 'true' | 'false' | 'strict';
  readonly date_detection?: boolean;
  readonly properties?: Readonly<Record<string, FieldMapping>>;
}

export interface CreateIndexOptions {
  readonly mappings?: IndexMappings;
  /** ES index settings; `number_of_shards`/`number_of_replicas` are accepted and ignored by the embedded engine. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

export interface CreateIndexResponse {
  readonly acknowledged: true;
  readonly shards_acknowledged: true;
  readonly index: string;
}

export interface AcknowledgedResponse {
  readonly acknowledged: true;
}

/** One row of `_cat/indices?format=json` (ES renders every value as a string). */
export interface IndexInfo {
  readonly health: 'green' | 'yellow' | 'red';
  readonly status: 'open' | 'close';
  readonly index: string;
  readonly uuid: string;
  readonly pri: string;
  readonly rep: string;
  readonly 'docs.count': string;
  readonly 'docs.deleted': string;
  readonly 'store.size': string;
  readonly 'pri.store.size': string;
}

/** `GET /<pattern>/_mapping`: `{ [index]: { mappings } }`. */
export type GetMappingResponse = Readonly<Record<string, { readonly mappings: IndexMappings }>>;

export interface RefreshResponse {
  readonly _shards: { readonly total: number; readonly successful: number; readonly failed: number };
}
