/**
 * The search sink's index templates and data streams on real clusters (OpenSearch 2.19, 3.8,
 * Elasticsearch 7.10), with exact counts:
 * - `searchSink({ mappings, settings, template })` stores a composable template in the cluster
 *   before its first write: the sink's indices and one created by hand afterwards get its mappings;
 * - `template: { dataStream: true }` makes the target a data stream; a replay of the same records
 *   (`id: 'record'`) adds nothing (op create answers 409, counted as duplicates);
 * - a target that a data stream template (made by someone else) matches is detected: `index`
 *   actions go as `create` with `@timestamp` from the event time; `delete` actions are
 *   dead-lettered with Elasticsearch's reason, and the job goes on.
 * Elasticsearch 7.10 here is a build without X-Pack: it has no data streams (asked of the cluster,
 * test/integration/search/data-stream-probe.ts); there the data stream cases are skipped with that
 * reason, and a data stream sink must fail saying so.
 * Index and template names start with `tmpl-` and the run's prefix; all are deleted at the end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../../../src/api/stream-environment.js';
import { dataGenSource } from '../../../src/connectors/datagen/source.js';
import { searchSink } from '../../../src/connectors/search/sink.js';
import type { JobResult } from '../../../src/runtime/job-client.js';
import { openSearchEngine } from '../../../src/search/open-search-engine.js';
import type { SearchEngine } from '../../../src/search/search-engine.js';
import { runToCompletion } from '../../../src/testing/run-to-completion.js';
import { requireService, type StandardServiceName } from '../../support/services.js';
import { RUN_PREFIX } from '../search/cluster-services.js';
import { probeDataStreams } from '../search/data-stream-probe.js';

const COUNT = 1000;

async function runJob(url: string, sink: Record<string, unknown>): Promise<JobResult> {
  const env = StreamEnvironment.create({ batchSize: 250, log: () => {} });
  env.fromSource(dataGenSource({ count: COUNT })).sinkTo(
    searchSink({
      url,
      id: 'record',
      flushIntervalMs: 200,
      deadLetterIndex: `tmpl-${RUN_PREFIX}dead-letters`,
      ...(sink as { index: string }),
    }),
    { uid: 'out' },
  );
  return runToCompletion(env, { timeoutMs: 120_000 });
}

async function cleanUp(engine: SearchEngine, base: string): Promise<void> {
  for (const stream of await engine.getDataStreams(`${base}*`)) await engine.deleteDataStream(stream.name);
  for (const index of await engine.listIndices(`${base}*,tmpl-${RUN_PREFIX}dead-letters*`))
    await engine.deleteIndex(index.index);
  for (const template of await engine.getIndexTemplates(`*${base}*`))
    await engine.deleteIndexTemplate(template.name);
}

for (const name of ['opensearch2', 'opensearch3', 'es7'] as StandardServiceName[]) {
  describe(`search sink templates and data streams on ${name}`, () => {
    const base = `tmpl-${RUN_PREFIX}${name}-`;

    it('stores the index template from the configuration, so indices others create get it too', async (t) => {
      const svc = requireService(t, name);
      if (!svc) return;
      const shared = await openSearchEngine(svc.url);
      const engine = shared.engine;
      try {
        const result = await runJob(svc.url, {
          index: `${base}web-{method}`,
          mappings: { properties: { status: { type: 'keyword' }, path: { type: 'keyword' } } },
          settings: { number_of_shards: 1, number_of_replicas: 0 },
          template: { priority: 11 },
        });
        assert.equal(result.metrics.operators.out?.counters.documentsWritten, COUNT);
        const [template] = await engine.getIndexTemplates(`sluice-${base}web`);
        assert.deepEqual(template?.index_template.index_patterns, [`${base}web-*`]);
        assert.equal(template?.index_template.priority, 11);
        await engine.refresh(`${base}web-*`);
        assert.equal((await engine.count(`${base}web-*`)).count, COUNT);
        const written = await engine.listIndices(`${base}web-*`);
        assert.ok(written.length >= 2, `one index per method: ${written.map((i) => i.index)}`);
        await engine.bulk([{ index: { _index: `${base}web-by-hand`, _id: '1' }, document: { status: 200 } }]);
        const mappings = await engine.getMapping(`${base}web-*`);
        for (const index of [...written.map((i) => i.index), `${base}web-by-hand`])
          assert.equal(mappings[index]?.mappings.properties?.status?.type, 'keyword', index);
      } finally {
        await cleanUp(engine, base);
        await shared.release();
      }
    });

    it('writes a data stream it declares, and a replay adds nothing', async (t) => {
      const svc = requireService(t, name);
      if (!svc) return;
      const support = await probeDataStreams(svc.url, RUN_PREFIX);
      const shared = await openSearchEngine(svc.url);
      const engine = shared.engine;
      const stream = `${base}logs`;
      try {
        if (!support.supported) {
          // The one expected outcome without data streams: the job fails and says why.
          await assert.rejects(
            runJob(svc.url, { index: stream, template: { dataStream: true } }),
            /has no data streams/,
          );
          t.skip(support.reason);
          return;
        }
        const first = await runJob(svc.url, { index: stream, template: { dataStream: true, priority: 12 } });
        assert.equal(first.metrics.operators.out?.counters.documentsWritten, COUNT);
        const [info] = await engine.getDataStreams(stream);
        assert.equal(info?.name, stream);
        assert.equal(info?.template, `sluice-${stream}`);
        await engine.refresh(stream);
        assert.equal((await engine.count(stream)).count, COUNT);
        assert.equal(
          (await engine.count(stream, { query: { range: { '@timestamp': { gte: '2024-01-01' } } } })).count,
          COUNT,
          '@timestamp comes from the event time',
        );

        const replay = await runJob(svc.url, { index: stream, template: { dataStream: true, priority: 12 } });
        assert.equal(replay.metrics.operators.out?.counters.duplicatesSkipped, COUNT);
        await engine.refresh(stream);
        assert.equal((await engine.count(stream)).count, COUNT);
      } finally {
        await cleanUp(engine, base);
        await shared.release();
      }
    });

    it('detects a data stream template it did not make: index becomes create, delete is dead-lettered', async (t) => {
      const svc = requireService(t, name);
      if (!svc) return;
      const support = await probeDataStreams(svc.url, RUN_PREFIX);
      if (!support.supported) {
        t.skip(support.reason);
        return;
      }
      const shared = await openSearchEngine(svc.url);
      const engine = shared.engine;
      const stream = `${base}auto-events`;
      try {
        await engine.putIndexTemplate(`${base}auto`, {
          index_patterns: [`${base}auto-*`],
          priority: 13,
          data_stream: {},
          template: { settings: { number_of_replicas: 0 } },
        });
        const written = await runJob(svc.url, { index: stream });
        assert.equal(written.metrics.operators.out?.counters.documentsWritten, COUNT);
        assert.equal((await engine.getDataStreams(stream))[0]?.template, `${base}auto`);
        await engine.refresh(stream);
        assert.equal((await engine.count(stream)).count, COUNT);

        const deletes = await runJob(svc.url, { index: stream, op: 'delete' });
        const counters = deletes.metrics.operators.out?.counters ?? {};
        assert.equal(counters.deadLetters, COUNT);
        assert.equal(counters.documentsDeadLettered, COUNT);
        assert.equal(counters.documentsWritten ?? 0, 0);
        await engine.refresh(`${stream},tmpl-${RUN_PREFIX}dead-letters`);
        assert.equal((await engine.count(stream)).count, COUNT);
        const letters = await engine.search(`tmpl-${RUN_PREFIX}dead-letters`, { size: 1 });
        assert.match(
          String((letters.hits.hits[0]?._source?.error as { reason?: string } | undefined)?.reason),
          /only write ops with an op_type of create are allowed in data streams/,
        );
      } finally {
        await cleanUp(engine, base);
        await shared.release();
      }
    });
  });
}
