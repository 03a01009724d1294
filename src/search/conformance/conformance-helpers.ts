/**
 * Helpers shared by the conformance suites. They only use the SearchEngine contract, so the same
 * suites run against every engine (embedded, and later a real Elasticsearch/OpenSearch cluster).
 */
import assert from 'node:assert/strict';
import type { BulkAction } from '../bulk.js';
import type { CreateIndexOptions } from '../index-admin.js';
import type { SearchEngine } from '../search-engine.js';
import { SearchEngineError } from '../search-engine-error.js';
import type { SearchResponse } from '../search-request.js';

/** Opens a fresh handle on the engine under test; called once per suite. */
export type OpenEngine = () => Promise<SearchEngine>;

/**
 * The engine under test as the suites see it: how to open it, and how to name indices so that
 * runs against a shared cluster never meet each other's (or a user's) indices.
 */
export interface ConformanceTarget {
  readonly open: OpenEngine;
  /** The real name of a suite's index, e.g. `conformance-query` -> `t1a2b-conformance-query`. */
  readonly index: (base: string) => string;
}

/** Creates `index` from scratch (deleting a leftover from an earlier run) and indexes `docs` by id. */
export async function seedIndex(
  engine: SearchEngine,
  index: string,
  options: CreateIndexOptions,
  docs: Readonly<Record<string, Record<string, unknown>>>,
): Promise<void> {
  if (await engine.indexExists(index)) await engine.deleteIndex(index);
  await engine.createIndex(index, options);
  const actions: BulkAction[] = Object.entries(docs).map(([id, document]) => ({
    index: { _index: index, _id: id },
    document,
  }));
  const response = await engine.bulk(actions, { refresh: true });
  assert.equal(
    response.errors,
    false,
    JSON.stringify(response.items.filter((i) => Object.values(i)[0]?.error)),
  );
}

export async function dropIndex(engine: SearchEngine, index: string): Promise<void> {
  if (await engine.indexExists(index)) await engine.deleteIndex(index);
}

/** The hit ids in response order. */
export function ids(response: SearchResponse): string[] {
  return response.hits.hits.map((h) => h._id);
}

/** The hit ids sorted numerically (for assertions that ignore order). */
export function idSet(response: SearchResponse): string[] {
  return ids(response).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

export interface ExpectedError {
  /** The HTTP status, or the statuses engines are allowed to differ on (say why at the call). */
  readonly status: number | readonly number[];
  /** ES's error type; left out where Elasticsearch versions disagree on it. */
  readonly type?: string;
  /** Substring of the top-level reason (or of the first root cause's reason when `rootCauseType` is given). */
  readonly reason?: string;
  readonly rootCauseType?: string;
}

/** Asserts that `promise` rejects with a SearchEngineError carrying ES's status, type and body shape. */
export async function expectSearchError(
  promise: Promise<unknown>,
  expected: ExpectedError,
): Promise<SearchEngineError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof SearchEngineError, `expected a SearchEngineError, got ${String(caught)}`);
  const statuses: readonly number[] =
    typeof expected.status === 'number' ? [expected.status] : expected.status;
  assert.ok(
    statuses.includes(caught.status),
    `status ${caught.status} not in ${statuses}: ${caught.message}`,
  );
  const body = caught.toJSON();
  assert.equal(body.status, caught.status);
  if (expected.type !== undefined) {
    assert.equal(caught.type, expected.type, caught.message);
    assert.equal(body.error.type, expected.type);
  }
  assert.ok(
    Array.isArray(body.error.root_cause) && body.error.root_cause.length > 0,
    'root_cause must be a non-empty list',
  );
  if (expected.rootCauseType !== undefined)
    assert.equal(body.error.root_cause[0]!.type, expected.rootCauseType, caught.message);
  if (expected.reason !== undefined) {
    const reasons = [body.error.reason, ...body.error.root_cause.map((c) => c.reason)].join(' | ');
    assert.ok(
      reasons.includes(expected.reason),
      `expected reason to include "${expected.reason}", got "${reasons}"`,
    );
  }
  return caught;
}

/** An aggregation result as a plain record (aggregation JSON is untyped by design). */
export function agg(response: SearchResponse, name: string): Record<string, unknown> {
  const value = response.aggregations?.[name];
  assert.ok(value !== undefined && typeof value === 'object', `aggregation [${name}] missing`);
  return value as Record<string, unknown>;
}

export interface Bucket {
  readonly key: unknown;
  readonly doc_count: number;
  readonly [k: string]: unknown;
}

export function buckets(result: Record<string, unknown>): Bucket[] {
  assert.ok(Array.isArray(result.buckets), 'expected a buckets array');
  return result.buckets as Bucket[];
}

/** `[key, doc_count]` pairs of a bucket list. */
export function keyCounts(result: Record<string, unknown>): [unknown, number][] {
  return buckets(result).map((b) => [b.key, b.doc_count]);
}
