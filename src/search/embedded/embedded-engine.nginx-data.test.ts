import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BulkAction } from '../bulk.js';
import { EmbeddedSearchEngine } from './embedded-engine.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DATA_FILE = path.join(REPO_ROOT, '..', 'shared', 'data', 'nginxplus_json_logs.ndjson');

type Json = Record<string, unknown>;

test('real nested NGINX Plus documents index with dynamic mapping and answer range and terms on dot paths', async (t) => {
  if (!fs.existsSync(DATA_FILE)) {
    t.skip(`../shared/data not found: ${DATA_FILE} (the shared sample data sits beside the repository)`);
    return;
  }
  const docs = fs
    .readFileSync(DATA_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-nginx-'));
  const engine = await EmbeddedSearchEngine.open({ dataDir });
  try {
    const actions: BulkAction[] = docs.map((document, i) => ({
      index: { _index: 'nginx', _id: String(i) },
      document,
    }));
    const response = await engine.bulk(actions, { refresh: true });
    assert.equal(response.errors, false);
    assert.equal((await engine.count('nginx')).count, docs.length);

    // Keys with dots ("hg.nginx.org") become object paths, as ES maps them.
    const mappings = (await engine.getMapping('nginx')).nginx?.mappings;
    const zone = mappings?.properties?.server_zones?.properties?.hg?.properties?.nginx?.properties?.org;
    assert.equal(zone?.properties?.requests?.type, 'long');
    assert.equal(
      mappings?.properties?.timestamp?.type,
      'long',
      'epoch-millis numbers stay numbers: date detection only looks at strings',
    );

    const requests = docs
      .map((d) => ((d.server_zones as Json)['hg.nginx.org'] as Json).requests as number)
      .sort((a, b) => a - b);
    const median = requests[Math.floor(requests.length / 2)]!;
    const expectedAbove = requests.filter((r) => r >= median).length;
    const range = await engine.search('nginx', {
      size: 0,
      query: { range: { 'server_zones.hg.nginx.org.requests': { gte: median } } },
    });
    assert.equal(range.hits.total?.value, expectedAbove);

    const expectedStates = new Map<string, number>();
    for (const d of docs) {
      const peers = ((d.upstreams as Json)['trac-backend'] as Json).peers as Json[];
      for (const state of new Set(peers.map((p) => String(p.state))))
        expectedStates.set(state, (expectedStates.get(state) ?? 0) + 1);
    }
    const terms = await engine.search('nginx', {
      size: 0,
      aggs: { states: { terms: { field: 'upstreams.trac-backend.peers.state.keyword' } } },
    });
    const buckets =
      (terms.aggregations?.states as { buckets: { key: string; doc_count: number }[] } | undefined)
        ?.buckets ?? [];
    assert.deepEqual(new Map(buckets.map((b) => [b.key, b.doc_count])), expectedStates);

    const version = await engine.search('nginx', {
      size: 0,
      query: { term: { 'nginx_version.keyword': String(docs[0]!.nginx_version) } },
    });
    assert.equal(
      version.hits.total?.value,
      docs.filter((d) => d.nginx_version === docs[0]!.nginx_version).length,
    );

    const stats = await engine.search('nginx', {
      size: 0,
      aggs: { s: { stats: { field: 'server_zones.hg.nginx.org.requests' } } },
    });
    const s = stats.aggregations?.s as { min: number; max: number; count: number };
    assert.deepEqual([s.min, s.max, s.count], [requests[0], requests[requests.length - 1], requests.length]);
  } finally {
    await engine.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
