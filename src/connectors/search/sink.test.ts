import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StreamEnvironment } from '../../api/stream-environment.js';
import type { Sink } from '../../core/sink.js';
import type { BulkAction, BulkOptions, BulkResponse } from '../../search/bulk.js';
import { EmbeddedSearchEngine } from '../../search/embedded/embedded-engine.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { collectSink } from '../../testing/index.js';
import { runToCompletion } from '../../testing/run-to-completion.js';
import { steps, TestSource } from '../../testing/test-source.js';
import { ManualClock } from '../../time/manual-clock.js';
import { sinkFromFlags } from '../registry.js';
import { recordIdentityId } from './document-id.js';
import type { SearchEmitter } from './emitter.js';
import { searchSink } from './sink.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function freshEngineAt(dir: string): Promise<EmbeddedSearchEngine> {
  return EmbeddedSearchEngine.open({ dataDir: dir });
}

async function freshEngine(): Promise<EmbeddedSearchEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sink-'));
  dirs.push(dir);
  return EmbeddedSearchEngine.open({ dataDir: dir });
}

/** The real engine, with bulk calls recorded and optionally answered with injected item failures. */
class RecordingEngine {
  readonly bulkSizes: number[] = [];
  /** Called per bulk request with its actions; may return per-item statuses to fake (undefined = real). */
  fault:
    | ((
        actions: readonly BulkAction[],
        call: number,
      ) => Array<{ status: number; type: string } | undefined> | undefined)
    | undefined;

  constructor(readonly engine: SearchEngine) {}

  asEngine(): SearchEngine {
    return new Proxy(this.engine, {
      get: (target, prop, receiver) => {
        if (prop === 'bulk')
          return (actions: readonly BulkAction[], options?: BulkOptions) => this.bulk(actions, options);
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }

  private async bulk(actions: readonly BulkAction[], options?: BulkOptions): Promise<BulkResponse> {
    this.bulkSizes.push(actions.length);
    const faults = this.fault?.(actions, this.bulkSizes.length);
    if (faults === undefined) return this.engine.bulk(actions, options);
    const passed = actions.filter((_, i) => faults[i] === undefined);
    const real = passed.length > 0 ? (await this.engine.bulk(passed, options)).items : [];
    let next = 0;
    const items = actions.map((a, i) => {
      const f = faults[i];
      if (f === undefined) return real[next++] as BulkResponse['items'][number];
      const op = Object.keys(a).find((k) => k !== 'document' && k !== 'body') as 'index';
      return {
        [op]: {
          _index: 'x',
          _id: 'x',
          status: f.status,
          error: { type: f.type, reason: `injected ${f.type}` },
        },
      };
    });
    return { took: 0, errors: true, items };
  }
}

async function sourceOf(engine: SearchEngine, index: string, id: string): Promise<unknown> {
  const doc = await engine.get(index, id);
  return doc.found ? doc._source : undefined;
}

interface Hit {
  readonly id: string;
  readonly path: string;
  readonly status: number;
}

const hits = (n: number): Hit[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `h${i}`,
    path: `/p/${i % 3}`,
    status: i % 5 === 0 ? 500 : 200,
  }));

describe('search sink', () => {
  it('writes every record as a document, in batches of at most maxActions', async () => {
    const rec = new RecordingEngine(await freshEngine());
    const env = StreamEnvironment.create({ batchSize: 4 });
    env
      .fromCollection(hits(10))
      .sinkTo(searchSink<Hit>({ engine: rec.asEngine(), index: 'hits', id: 'id', maxActions: 3 }));
    const result = await runToCompletion(env);
    assert.equal((await rec.engine.count('hits')).count, 10);
    assert.ok(
      rec.bulkSizes.every((n) => n <= 3),
      `bulk sizes ${rec.bulkSizes}`,
    );
    assert.equal(result.metrics.operators['sink-2']?.counters.documentsWritten, 10);
  });

  it('is idempotent with deterministic ids: replaying the same records adds no duplicates', async () => {
    const engine = await freshEngine();
    for (let run = 0; run < 2; run++) {
      const env = StreamEnvironment.create();
      env.fromCollection(hits(25)).sinkTo(searchSink<Hit>({ engine, index: 'hits', id: 'id' }));
      await runToCompletion(env);
    }
    assert.equal((await engine.count('hits')).count, 25);
  });

  it('treats a create conflict on replay as already written, not as a failure', async () => {
    const engine = await freshEngine();
    let skipped = 0;
    for (let run = 0; run < 2; run++) {
      const env = StreamEnvironment.create();
      env
        .fromCollection(hits(5))
        .sinkTo(searchSink<Hit>({ engine, index: 'hits', id: 'id', op: 'create' }), { uid: 'out' });
      const r = await runToCompletion(env);
      skipped = r.metrics.operators.out?.counters.duplicatesSkipped ?? 0;
      assert.equal(r.metrics.deadLetters, 0);
    }
    assert.equal(skipped, 5);
    assert.equal((await engine.count('hits')).count, 5);
  });

  it('names indices from event time and from fields', async () => {
    const engine = await freshEngine();
    const env = StreamEnvironment.create();
    const day = Date.UTC(2024, 2, 5, 10);
    env
      .fromSource(
        new TestSource([
          steps.timestamped<Hit>(
            [{ id: 'a', path: '/', status: 200 }, day],
            [{ id: 'b', path: '/', status: 404 }, day + 86_400_000],
          ),
        ]),
      )
      .sinkTo(searchSink<Hit>({ engine, index: 'weblogs-{yyyy.MM.dd}', id: 'id' }));
    env
      .fromCollection([{ service: 'Checkout', n: 1 }])
      .sinkTo(searchSink({ engine, index: '{service}-events' }));
    await runToCompletion(env);
    const names = (await engine.listIndices()).map((i) => i.index);
    assert.deepEqual(names, ['checkout-events', 'weblogs-2024.03.05', 'weblogs-2024.03.06']);
  });

  it('sends documents the engine rejects for good to the dead-letter index with the original, and carries on', async () => {
    const engine = await freshEngine();
    await engine.createIndex('typed', { mappings: { properties: { status: { type: 'long' } } } });
    const env = StreamEnvironment.create({ log: () => {} });
    const records = [
      { id: '1', status: 200 },
      { id: '2', status: 'not a number' },
      { id: '3', status: 404 },
    ];
    env.fromCollection(records).sinkTo(searchSink({ engine, index: 'typed', id: 'id' }), { uid: 'out' });
    const result = await runToCompletion(env);
    assert.equal((await engine.count('typed')).count, 2);
    assert.equal(result.metrics.deadLetters, 1);
    assert.equal(result.metrics.operators.out?.counters.documentsDeadLettered, 1);
    const dead = await engine.search('sluice-dead-letters', { query: { match_all: {} } });
    assert.equal(dead.hits.total?.value, 1);
    const letter = dead.hits.hits[0]?._source as Record<string, unknown>;
    assert.equal((letter.error as { type: string }).type, 'mapper_parsing_exception');
    assert.equal(letter.index, 'typed');
    assert.equal(letter.id, '2');
    assert.deepEqual(JSON.parse(letter.document as string), records[1]);
    assert.equal(letter.position, 2);
  });

  it('waits out items rejected with 429 until they are written, and counts the waits', async () => {
    const rec = new RecordingEngine(await freshEngine());
    rec.fault = (actions, call) =>
      call <= 2
        ? actions.map((_, i) =>
            i % 2 === 0 ? { status: 429, type: 'es_rejected_execution_exception' } : undefined,
          )
        : undefined;
    const env = StreamEnvironment.create({ log: () => {} });
    env.fromCollection(hits(6)).sinkTo(
      searchSink<Hit>({
        engine: rec.asEngine(),
        index: 'hits',
        id: 'id',
        backoffInitialMs: 1,
        backoffMaxMs: 2,
      }),
      { uid: 'out' },
    );
    const result = await runToCompletion(env);
    assert.equal((await rec.engine.count('hits')).count, 6);
    const counters = result.metrics.operators.out?.counters;
    assert.equal(counters?.backpressureWaits, 2);
    assert.equal(counters?.documentsWritten, 6);
    assert.equal(result.metrics.deadLetters, 0);
  });

  it('dead-letters an item whose retryable errors outlast its retry budget, with the reason, and goes on', async () => {
    const rec = new RecordingEngine(await freshEngine());
    rec.fault = (actions) =>
      actions.map((a) =>
        'index' in a && a.index._id === 'h1' ? { status: 500, type: 'node_closed_exception' } : undefined,
      );
    const env = StreamEnvironment.create({ log: () => {} });
    env.fromCollection(hits(3)).sinkTo(
      searchSink<Hit>({
        engine: rec.asEngine(),
        index: 'hits',
        id: 'id',
        retryBudget: 2,
        backoffInitialMs: 1,
        backoffMaxMs: 1,
      }),
      { uid: 'out' },
    );
    const result = await runToCompletion(env);
    assert.equal(result.metrics.deadLetters, 1);
    assert.equal(result.metrics.operators.out?.counters.bulkRetries, 2);
    assert.equal((await rec.engine.count('hits')).count, 2);
    const dead = await rec.engine.search('sluice-dead-letters', { query: { match_all: {} } });
    assert.equal(dead.hits.total?.value, 1);
    const letter = dead.hits.hits[0]?._source as { id: string; error: { type: string; reason: string } };
    assert.equal(letter.id, 'h1');
    assert.equal(letter.error.type, 'node_closed_exception');
    assert.match(letter.error.reason, /^gave up after 2 retries: 500 node_closed_exception/);
  });

  it('fails the job when the engine refuses access (403)', async () => {
    const rec = new RecordingEngine(await freshEngine());
    rec.fault = (actions) => actions.map(() => ({ status: 403, type: 'security_exception' }));
    const env = StreamEnvironment.create({ log: () => {} });
    env.fromCollection(hits(1)).sinkTo(searchSink<Hit>({ engine: rec.asEngine(), index: 'hits' }));
    await assert.rejects(runToCompletion(env), /refused index into .*403 security_exception/);
  });

  it('updates, upserts and deletes by id; an update of a missing document is a dead letter', async () => {
    const engine = await freshEngine();
    const run = async (op: 'index' | 'update' | 'upsert' | 'delete', records: object[]) => {
      const env = StreamEnvironment.create({ log: () => {} });
      env.fromCollection(records).sinkTo(searchSink({ engine, index: 'users', id: 'id', op }));
      return runToCompletion(env);
    };
    await run('index', [{ id: 'u1', name: 'Ann', visits: 1 }]);
    await run('update', [{ id: 'u1', visits: 2 }]);
    assert.deepEqual(await sourceOf(engine, 'users', 'u1'), { id: 'u1', name: 'Ann', visits: 2 });
    const missing = await run('update', [{ id: 'u2', visits: 1 }]);
    assert.equal(missing.metrics.deadLetters, 1);
    await run('upsert', [{ id: 'u2', visits: 7 }]);
    assert.deepEqual(await sourceOf(engine, 'users', 'u2'), { id: 'u2', visits: 7 });
    await run('delete', [{ id: 'u1' }]);
    assert.equal((await engine.get('users', 'u1')).found, false);
  });

  it('rejects records that cannot be documents as bad input', async () => {
    const engine = await freshEngine();
    const env = StreamEnvironment.create({ log: () => {} });
    env
      .fromCollection<unknown>([{ id: 'ok' }, 'just a string', { noId: true }])
      .sinkTo(searchSink<unknown>({ engine, index: 'x', id: 'id', op: 'upsert' }));
    const result = await runToCompletion(env);
    assert.equal(result.metrics.deadLetters, 2);
    assert.deepEqual(
      result.deadLetterSamples.map((d) => d.reason),
      ['a document must be a JSON object, got string', 'document id field "id" is missing'],
    );
  });

  it('makes documents searchable once the flush interval passes, not before', async () => {
    const engine = await freshEngine();
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock });
    const source = new TestSource<Hit>([steps.records(...hits(3))], { clock, after: 'hold' });
    env
      .fromSource(source)
      .sinkTo(searchSink<Hit>({ engine, index: 'live', id: 'id', flushIntervalMs: 1000 }));
    const job = env.executeAsync('live');
    await source.done;
    assert.equal(await engine.indexExists('live'), false, 'buffered, not yet written');
    clock.advance(999);
    await new Promise((r) => setImmediate(r));
    assert.equal(await engine.indexExists('live'), false);
    clock.advance(1);
    for (let i = 0; i < 20 && !(await engine.indexExists('live')); i++)
      await new Promise((r) => setImmediate(r));
    assert.equal((await engine.count('live')).count, 3, 'written and searchable after flushIntervalMs');
    await job.stop();
  });

  it('rejects invalid options with the field named', () => {
    assert.throws(() => searchSink({ index: 'x', maxActions: 0 }), /invalid search sink options: maxActions/);
    assert.throws(
      () => searchSink({ index: 'x', url: 'kafka://nope' }),
      /unsupported search engine URL "kafka:\/\/nope"/,
    );
  });

  it('never lets a replay with older external versions overwrite newer documents', async () => {
    const engine = await freshEngine();
    const run = async (records: object[]) => {
      const env = StreamEnvironment.create({ log: () => {} });
      env
        .fromCollection(records)
        .sinkTo(
          searchSink({ engine, index: 'versioned', id: 'id', versionType: 'external', versionField: 'v' }),
          { uid: 'out' },
        );
      return (await runToCompletion(env)).metrics.operators.out?.counters;
    };
    await run([
      { id: 'a', v: 1, state: 'old' },
      { id: 'b', v: 1, state: 'old' },
    ]);
    await run([{ id: 'a', v: 5, state: 'new' }]);
    const replay = await run([
      { id: 'a', v: 1, state: 'old' },
      { id: 'b', v: 1, state: 'old' },
    ]);
    assert.equal(replay?.staleSkipped, 2);
    assert.equal(replay?.documentsWritten, undefined);
    assert.deepEqual(await sourceOf(engine, 'versioned', 'a'), { id: 'a', v: 5, state: 'new' });
    const stored = await engine.get('versioned', 'a');
    assert.ok(stored.found);
    assert.equal(stored._version, 5);
  });

  it('dead-letters a mapping conflict once per run under a deterministic id, so a replay adds no second letter', async () => {
    const engine = await freshEngine();
    await engine.createIndex('typed', { mappings: { properties: { status: { type: 'long' } } } });
    const records = [
      { id: '1', status: 200 },
      { id: '2', status: 'not a number' },
    ];
    for (let run = 0; run < 2; run++) {
      const env = StreamEnvironment.create({ log: () => {} });
      env.fromCollection(records).sinkTo(searchSink({ engine, index: 'typed', id: 'id' }), { uid: 'out' });
      const result = await runToCompletion(env);
      assert.equal(result.metrics.deadLetters, 1);
      assert.equal(result.metrics.operators.out?.counters.documentsDeadLettered, 1);
      assert.equal(result.metrics.operators.out?.counters.documentsWritten, 1);
    }
    assert.equal((await engine.count('sluice-dead-letters')).count, 1);
    assert.equal((await engine.count('typed')).count, 1);
  });

  it("gives records their identity as id with id 'record', so a replay of the same source adds no duplicates", async () => {
    const engine = await freshEngine();
    for (let run = 0; run < 2; run++) {
      const env = StreamEnvironment.create();
      env
        .fromCollection(hits(7), 'hits-file')
        .sinkTo(searchSink<Hit>({ engine, index: 'identity', id: 'record' }));
      await runToCompletion(env);
    }
    assert.equal((await engine.count('identity')).count, 7);
    assert.equal((await engine.get('identity', recordIdentityId('hits-file', 3))).found, true);
  });

  it('creates indices with the configured mappings and settings before the first write, pattern indices too', async () => {
    const engine = await freshEngine();
    const env = StreamEnvironment.create();
    const day = Date.UTC(2024, 2, 5, 10);
    env
      .fromSource(
        new TestSource([
          steps.timestamped<Hit>(
            [{ id: 'a', path: '/', status: 200 }, day],
            [{ id: 'b', path: '/x', status: 404 }, day + 86_400_000],
          ),
        ]),
      )
      .sinkTo(
        searchSink<Hit>({
          engine,
          index: 'web-{yyyy.MM.dd}',
          id: 'id',
          mappings: { properties: { status: { type: 'keyword' }, path: { type: 'keyword' } } },
          template: {},
        }),
      );
    env.fromCollection([{ n: 1 }]).sinkTo(
      searchSink({
        engine,
        index: 'fixed',
        settings: { number_of_shards: 1 },
        mappings: { dynamic: 'strict', properties: { n: { type: 'integer' } } },
      }),
    );
    await runToCompletion(env);
    const mappings = await engine.getMapping('web-*');
    assert.deepEqual(Object.keys(mappings).sort(), ['web-2024.03.05', 'web-2024.03.06']);
    for (const m of Object.values(mappings)) assert.equal(m.mappings.properties?.status?.type, 'keyword');
    assert.equal((await engine.getMapping('fixed')).fixed?.mappings.properties?.n?.type, 'integer');
  });

  it('stores the template in the engine, so an index someone else creates gets its mappings too', async () => {
    const engine = await freshEngine();
    const env = StreamEnvironment.create();
    env.fromCollection(hits(4)).sinkTo(
      searchSink<Hit>({
        engine,
        index: 'tmpl-web-{status}',
        mappings: { properties: { path: { type: 'keyword' }, status: { type: 'keyword' } } },
        template: { priority: 3 },
      }),
    );
    await runToCompletion(env);
    const [stored] = await engine.getIndexTemplates('sluice-tmpl-web');
    assert.deepEqual(stored?.index_template.index_patterns, ['tmpl-web-*']);
    assert.equal(stored?.index_template.priority, 3);
    await engine.bulk([{ index: { _index: 'tmpl-web-by-hand', _id: '1' }, document: { status: 7 } }]);
    for (const index of ['tmpl-web-200', 'tmpl-web-by-hand'])
      assert.equal((await engine.getMapping(index))[index]?.mappings.properties?.status?.type, 'keyword');
  });

  it('fails a job that must write into a data stream on the embedded engine, which has none, saying so', async () => {
    for (const options of [{ dataStream: true }, { template: { dataStream: true } }]) {
      const engine = await freshEngine();
      const env = StreamEnvironment.create();
      env
        .fromSource(new TestSource([steps.timestamped<Hit>([{ id: 'a', path: '/', status: 200 }, 1000])]))
        .sinkTo(searchSink<Hit>({ engine, index: 'logs-web', ...options }));
      await assert.rejects(runToCompletion(env), /no data streams/);
      assert.equal(await engine.indexExists('logs-web'), false);
    }
  });

  it('lets a custom emitter write zero or more actions per record', async () => {
    const engine = await freshEngine();
    const env = StreamEnvironment.create();
    const emitter: SearchEmitter<Hit> = {
      emit: (record, ctx, out) => {
        if (record.status === 500) return; // skipped
        out.add({ index: { _index: 'hits-by-id', _id: record.id }, document: { ...record } });
        out.add({
          index: { _index: 'hits-by-path', _id: `${ctx.origin}-${ctx.position}` },
          document: { path: record.path },
        });
      },
    };
    env.fromCollection(hits(10)).sinkTo(searchSink<Hit>({ engine, index: 'hits', emitter }), { uid: 'out' });
    const result = await runToCompletion(env);
    assert.equal((await engine.count('hits-by-id')).count, 8);
    assert.equal((await engine.count('hits-by-path')).count, 8);
    assert.equal(result.metrics.operators.out?.counters.documentsWritten, 16);
  });

  it('is in the connector registry, built from string options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-sink-flags-'));
    dirs.push(dir);
    const sink = sinkFromFlags('search', {
      url: `embedded:${dir}`,
      index: 'flagged',
      id: 'record',
      maxInFlightRequests: '2',
      flushIntervalMs: '1s',
      mappings: '{"properties":{"path":{"type":"keyword"}}}',
    });
    assert.equal(sink.name, 'search:flagged');
    const env = StreamEnvironment.create();
    env.fromCollection(hits(3)).sinkTo(sink as Sink<Hit>);
    await runToCompletion(env);
    const engine = await freshEngineAt(dir);
    assert.equal((await engine.count('flagged')).count, 3);
    assert.equal((await engine.getMapping('flagged')).flagged?.mappings.properties?.path?.type, 'keyword');
    await engine.close();
    assert.throws(
      () => sinkFromFlags('search', { index: 'x', maxInFlightRequests: '0' }),
      /maxInFlightRequests/,
    );
  });

  it('passes records on unchanged for other consumers of the same stream', async () => {
    const engine = await freshEngine();
    const env = StreamEnvironment.create();
    const both = env.fromCollection(hits(3));
    const copy = collectSink<Hit>();
    both.sinkTo(searchSink<Hit>({ engine, index: 'hits' }));
    both.sinkTo(copy);
    await runToCompletion(env);
    assert.equal(copy.values.length, 3);
    assert.equal((await engine.count('hits')).count, 3);
  });
});
