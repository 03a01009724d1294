/**
 * The differential test: the same real documents (../shared/data: the Apache access log through
 * the project's parser, the NGINX Plus snapshots) with the same explicit mappings in the embedded
 * engine and in each real cluster, then every request of differential/cases.ts against both,
 * answers compared field by field (differential/compare.ts). Scores: OpenSearch 3 scores with
 * Lucene's BM25 as the embedded engine does; Elasticsearch 7.10 and OpenSearch 2 use the legacy
 * BM25 whose BM25 clauses score (k1 + 1) = 2.2 times higher (constant-score clauses do not), so
 * there a hit's score must lie between 1 and 2.2 times ours and the ranking must be the same.
 * Tolerances: scores 1e-5 relative (float32 against float64), aggregation numbers 1e-9, except
 * percentiles (t-digest against exact) at the case's `approxRelative`.
 *
 * Where an engine is known to differ and the difference is documented (docs/search-engine.md),
 * the case is listed in KNOWN with the reason; the test then checks the difference is still
 * there, so a fix shows up as a failure to remove the entry.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BulkAction } from '../../../src/search/bulk.js';
import { ClusterConnection } from '../../../src/search/connection.js';
import { ClusterSearchEngine } from '../../../src/search/elasticsearch/cluster-engine.js';
import { EmbeddedSearchEngine } from '../../../src/search/embedded/embedded-engine.js';
import type { SearchEngine } from '../../../src/search/search-engine.js';
import { CLUSTERS, type ClusterName, findCluster, RUN_PREFIX } from './cluster-services.js';
import { DIFFERENTIAL_CASES, type DifferentialCase } from './differential/cases.js';
import { compareOutcomes, type Outcome, outcome } from './differential/compare.js';
import { type DataSet, missingData, nginx, weblogs } from './differential/real-data.js';

/** Case name -> the clusters it differs on, and why (kept in step with docs/search-engine.md). */
const KNOWN: Readonly<Record<string, { readonly on: readonly ClusterName[]; readonly why: string }>> = {
  'weblogs: bool should with minimum_should_match': {
    on: ['opensearch3'],
    why: 'OpenSearch 3 scores a term on a keyword field as a constant 1; ES 7, OpenSearch 2 and the embedded engine score it with BM25',
  },
};

const missing = missingData();
if (missing !== undefined && process.env.CI === 'true') throw new Error(`CI needs the real data: ${missing}`);
const dataSets: readonly DataSet[] = missing === undefined ? [weblogs(), nginx()] : [];

async function load(engine: SearchEngine, prefix: string): Promise<void> {
  for (const data of dataSets) {
    const index = `${prefix}${data.name}`;
    if (await engine.indexExists(index)) await engine.deleteIndex(index);
    await engine.createIndex(index, data.options);
    for (let start = 0; start < data.docs.length; start += 2000) {
      const actions: BulkAction[] = data.docs.slice(start, start + 2000).map((document, i) => ({
        index: { _index: index, _id: String(start + i + 1) },
        document,
      }));
      const response = await engine.bulk(actions);
      assert.equal(
        response.errors,
        false,
        JSON.stringify(response.items.find((i) => Object.values(i)[0]?.error)),
      );
    }
  }
  await engine.refresh(`${prefix}*`);
}

function run(engine: SearchEngine, prefix: string, c: DifferentialCase): Promise<Outcome> {
  const index = `${prefix}${c.index}`;
  return outcome(async () => {
    const answer = c.api === 'count' ? await engine.count(index, c.body) : await engine.search(index, c.body);
    return withoutPrefix(answer, prefix);
  });
}

/** The answer with `_index` values named without the run's prefix, so both engines' match. */
function withoutPrefix(value: unknown, prefix: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutPrefix(v, prefix));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] =
      k === '_index' && typeof v === 'string' && v.startsWith(prefix)
        ? v.slice(prefix.length)
        : withoutPrefix(v, prefix);
  return out;
}

let embedded: EmbeddedSearchEngine | undefined;
let embeddedDir: string | undefined;
const EMBEDDED_PREFIX = 'diff-';
const openEmbedded = async (): Promise<EmbeddedSearchEngine> => {
  if (embedded === undefined) {
    embeddedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-differential-'));
    embedded = await EmbeddedSearchEngine.open({ dataDir: embeddedDir });
    await load(embedded, EMBEDDED_PREFIX);
  }
  return embedded;
};
after(async () => {
  await embedded?.close();
  if (embeddedDir !== undefined) fs.rmSync(embeddedDir, { recursive: true, force: true });
});

for (const cluster of CLUSTERS) {
  const found = findCluster(cluster.name);
  const skip = missing ?? ('skip' in found ? found.skip : undefined);
  describe(`differential: embedded engine vs ${cluster.label}`, { skip: skip ?? false }, () => {
    const prefix = `${RUN_PREFIX}diff-${cluster.name}-`;
    let engine: ClusterSearchEngine;
    let scores: 'exact' | 'legacy-bm25' = 'exact';
    before(async () => {
      engine = await ClusterSearchEngine.open(
        ClusterConnection.resolve('url' in found ? found.url : 'http://unused'),
      );
      const d = await engine.distribution();
      scores = d.name === 'opensearch' && d.major >= 3 ? 'exact' : 'legacy-bm25';
      await Promise.all([openEmbedded(), load(engine, prefix)]);
    });
    after(async () => {
      for (const data of dataSets)
        if (await engine.indexExists(`${prefix}${data.name}`))
          await engine.deleteIndex(`${prefix}${data.name}`);
      await engine.close();
    });

    for (const c of DIFFERENTIAL_CASES) {
      test(c.name, async () => {
        const [e, k] = [await run(embedded!, EMBEDDED_PREFIX, c), await run(engine, prefix, c)];
        const differences = compareOutcomes(e, k, {
          scores,
          scoreRelative: 1e-5,
          numberRelative: c.approxRelative ?? 1e-9,
          from: c.body.from ?? 0,
        });
        const known = KNOWN[c.name];
        if (known?.on.includes(cluster.name)) {
          assert.notDeepEqual(differences, [], `known difference gone (remove it from KNOWN): ${known.why}`);
          return;
        }
        assert.deepEqual(differences, []);
      });
    }
  });
}
