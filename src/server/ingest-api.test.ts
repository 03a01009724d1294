import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { StreamEnvironment } from '../api/stream-environment.js';
import { type CollectSink, collectSink } from '../connectors/collect/sink.js';
import { type IngestEndpoint, IngestHub } from '../connectors/http-ingest/ingest-hub.js';
import type { IngestTicket } from '../connectors/http-ingest/ingest-queue.js';
import { httpIngestSource } from '../connectors/http-ingest/source.js';
import type { DeadLetter } from '../core/dead-letter.js';
import type { RecordBatch } from '../core/record-batch.js';
import type { Sink } from '../core/sink.js';
import type { JobClient } from '../runtime/job-client.js';
import { eventually } from '../testing/connector-contexts.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import { isIngestRequest } from './ingest-api.js';
import { LazySearchEngine } from './lazy-search-engine.js';
import { type RunningServer, serveSearchApi } from './serve.js';

/** A hub that counts the requests its endpoints took, so a test knows a request is in without its answer. */
class ObservedHub extends IngestHub {
  submitted = 0;
  override endpoint(stream: string): IngestEndpoint | undefined {
    const inner = super.endpoint(stream);
    if (inner === undefined) return undefined;
    return {
      stream: inner.stream,
      retryAfterSeconds: inner.retryAfterSeconds,
      hasRoom: () => inner.hasRoom(),
      submit: (entries, wait) => {
        const outcome = inner.submit(entries, wait);
        if (typeof outcome !== 'string') this.submitted++;
        return outcome as IngestTicket;
      },
    };
  }
}

/** A sink that holds every write until `open()`: the job backs up behind it. */
class GatedSink<T> implements Sink<T> {
  readonly name = 'gated';
  readonly values: T[] = [];
  private gate: Promise<void>;
  private release!: () => void;
  constructor() {
    this.gate = new Promise((resolve) => {
      this.release = resolve;
    });
  }
  open(): void {
    this.release();
  }
  createWriter() {
    return {
      write: async (batch: RecordBatch<T>) => {
        await this.gate;
        this.values.push(...batch.values);
      },
    };
  }
}

interface Running {
  readonly url: string;
  readonly hub: ObservedHub;
  readonly job: JobClient;
  readonly deadLetters: CollectSink<DeadLetter>;
  readonly engine: LazySearchEngine;
}

let running: { server: RunningServer; job: JobClient } | undefined;

async function start(
  options: {
    token?: string;
    maxBodyBytes?: number;
    maxBufferedRecords?: number;
    queueCapacity?: number;
    batchSize?: number;
    sink?: Sink<unknown>;
    watermarks?: WatermarkStrategy<unknown>;
  } = {},
): Promise<Running & { sink: Sink<unknown> }> {
  const hub = new ObservedHub();
  const engine = new LazySearchEngine(() => Promise.reject(new Error('no search engine in this test')));
  const server = await serveSearchApi(engine, {
    port: 0,
    ingest: {
      hub,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      maxReportedErrors: 2,
    },
  });
  const deadLetters = collectSink<DeadLetter>();
  const env = StreamEnvironment.create({
    log: () => {},
    deadLetterSink: deadLetters,
    queueCapacity: options.queueCapacity ?? 16,
    batchSize: options.batchSize ?? 1024,
  });
  const sink = options.sink ?? collectSink<unknown>();
  const source = httpIngestSource('events', {
    hub,
    ...(options.maxBufferedRecords === undefined ? {} : { maxBufferedRecords: options.maxBufferedRecords }),
  });
  env
    .fromSource(source, options.watermarks === undefined ? {} : { watermarks: options.watermarks })
    .sinkTo(sink);
  const job = env.executeAsync('ingest');
  running = { server, job };
  await eventually(() => hub.streams().includes('events'), 'the ingest source to attach');
  return { url: server.url, hub, job, deadLetters, engine, sink };
}

afterEach(async () => {
  const r = running;
  running = undefined;
  await r?.job.stop().catch(() => {});
  await r?.server.close();
});

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

const ndjson = { 'content-type': 'application/x-ndjson' };

describe('HTTP ingest API', () => {
  it('takes an NDJSON body into the job and answers once the job processed it', async () => {
    const { url, job, sink, engine } = await start();
    const body = `${[1, 2, 3].map((n) => JSON.stringify({ n })).join('\n')}\n`;
    const r = await post(`${url}/ingest/events`, body, ndjson);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      stream: 'events',
      accepted: 3,
      rejected: 0,
      positions: { first: 1, last: 3 },
      wait: 'processed',
      errors: [],
    });
    assert.deepEqual(
      (sink as CollectSink<unknown>).values,
      [{ n: 1 }, { n: 2 }, { n: 3 }],
      'in the sink when answered',
    );
    const result = await job.stop();
    assert.equal(result.metrics.recordsIn, 3);
    assert.equal(engine.isOpen, false, 'ingest never opens the search engine');
  });

  it('takes a JSON array body, and positions continue across requests', async () => {
    const { url, sink } = await start();
    await post(`${url}/ingest/events`, '{"first":true}', { 'content-type': 'application/json' });
    const r = await post(`${url}/ingest/events`, '[{"a":1},{"a":2}]', { 'content-type': 'application/json' });
    assert.equal(r.status, 200);
    assert.equal(r.json.accepted, 2);
    assert.deepEqual(r.json.positions, { first: 2, last: 3 });
    const records = (sink as CollectSink<unknown>).records;
    assert.deepEqual(
      records.map((x) => [x.origin, x.position]),
      [
        ['http:events', 1],
        ['http:events', 2],
        ['http:events', 3],
      ],
    );
  });

  it('counts good and bad records exactly, lists the first errors and dead-letters every bad one', async () => {
    const { url, job, sink, deadLetters } = await start();
    const body = ['{"ok":1}', 'nope', '{"ok":2}', '{bad', '', '{"ok":3}', '[1,', '{"ok":4}'].join('\n');
    const r = await post(`${url}/ingest/events`, body, ndjson);
    assert.equal(r.status, 200);
    assert.equal(r.json.accepted, 4);
    assert.equal(r.json.rejected, 3);
    const errors = r.json.errors as Array<{ line: number; position: number; reason: string }>;
    assert.deepEqual(
      errors.map((e) => [e.line, e.position]),
      [
        [2, 2],
        [4, 4],
      ],
      'capped at maxReportedErrors (2); the blank line 5 is no item',
    );
    assert.match(errors[0]?.reason ?? '', /^invalid JSON/);
    assert.equal(r.json.errorsOmitted, 1);
    const arr = await post(`${url}/ingest/events`, '[{"ok":5}, oops, {"ok":6}]', {
      'content-type': 'application/json',
    });
    assert.deepEqual([arr.json.accepted, arr.json.rejected], [2, 1]);
    assert.deepEqual(
      (arr.json.errors as Array<Record<string, unknown>>).map((e) => [e.index, e.position]),
      [[1, 9]],
    );
    await job.stop();
    assert.deepEqual(
      (sink as CollectSink<{ ok: number }>).values.map((v) => v.ok),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      deadLetters.values.map((d) => [d.origin, d.position, d.record]),
      [
        ['http:events', 2, 'nope'],
        ['http:events', 4, '{bad'],
        ['http:events', 6, '[1,'], // line 7: the blank line 5 is no item
        ['http:events', 9, 'oops'],
      ],
    );
  });

  it('refuses requests without the bearer token and takes them with it', async () => {
    const { url, sink } = await start({ token: 's3cret' });
    const none = await post(`${url}/ingest/events`, '{"a":1}');
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="sluice ingest"');
    assert.doesNotMatch(JSON.stringify(none.json), /s3cret/);
    const wrong = await post(`${url}/ingest/events`, '{"a":1}', { authorization: 'Bearer s3cre' });
    assert.equal(wrong.status, 401);
    const right = await post(`${url}/ingest/events`, '{"a":2}', { authorization: 'Bearer s3cret' });
    assert.equal(right.status, 200);
    assert.deepEqual((sink as CollectSink<unknown>).values, [{ a: 2 }]);
  });

  it('answers 413 past the body limit, by Content-Length and while streaming, and takes nothing', async () => {
    const { url, sink } = await start({ maxBodyBytes: 100 });
    const big = `${'{"x":"0123456789"}\n'.repeat(10)}`;
    const declared = await post(`${url}/ingest/events`, big, ndjson);
    assert.equal(declared.status, 413);
    assert.equal((declared.json.error as { type: string }).type, 'content_too_long');
    const chunks = [big.slice(0, 60), big.slice(60)];
    const streamed = await fetch(`${url}/ingest/events`, {
      method: 'POST',
      headers: ndjson,
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 413);
    await streamed.body?.cancel();
    const ok = await post(`${url}/ingest/events`, '{"x":1}', ndjson);
    assert.equal(ok.status, 200);
    assert.deepEqual((sink as CollectSink<unknown>).values, [{ x: 1 }]);
  });

  it('answers 404 for an unknown stream, naming the streams that exist', async () => {
    const { url } = await start();
    const r = await post(`${url}/ingest/nope`, '{"a":1}');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json.streams, ['events']);
    assert.match((r.json.error as { reason: string }).reason, /"nope".*events/);
  });

  it('answers 429 with Retry-After while the job is backed up, then takes the retry: nothing lost, nothing twice', async () => {
    const gated = new GatedSink<{ id: number }>();
    const { url, hub, job } = await start({
      sink: gated as Sink<unknown>,
      maxBufferedRecords: 4,
      queueCapacity: 1,
    });
    const pending: Array<Promise<{ status: number }>> = [];
    const sentIds: number[] = [];
    let refused: { ids: number[]; status: number; retryAfter: string | null } | undefined;
    // Requests of two records each until one is refused; bounded by the buffer and queue sizes.
    for (let i = 0; i < 50 && refused === undefined; i++) {
      const ids = [2 * i, 2 * i + 1];
      const submittedBefore = hub.submitted;
      const answer = fetch(`${url}/ingest/events`, {
        method: 'POST',
        headers: ndjson,
        body: ids.map((id) => JSON.stringify({ id })).join('\n'),
      });
      const outcome = await Promise.race([
        answer.then((res) => ({ kind: 'answered' as const, res })),
        eventually(() => hub.submitted > submittedBefore, 'the request to be taken').then(() => ({
          kind: 'taken' as const,
        })),
      ]);
      if (outcome.kind === 'answered') {
        refused = { ids, status: outcome.res.status, retryAfter: outcome.res.headers.get('retry-after') };
        await outcome.res.body?.cancel();
      } else {
        sentIds.push(...ids);
        pending.push(answer.then(async (res) => ({ status: res.status, body: await res.text() })));
      }
    }
    assert.ok(refused, 'a request was refused while the sink held the job back');
    assert.equal(refused.status, 429);
    assert.equal(refused.retryAfter, '1');
    assert.ok(pending.length >= 2, `several requests were taken before the refusal (${pending.length})`);
    gated.open();
    for (const p of pending) assert.equal((await p).status, 200);
    const retry = await post(
      `${url}/ingest/events`,
      refused.ids.map((id) => JSON.stringify({ id })).join('\n'),
      ndjson,
    );
    assert.equal(retry.status, 200);
    sentIds.push(...refused.ids);
    const result = await job.stop();
    assert.deepEqual(
      gated.values.map((v) => v.id).sort((a, b) => a - b),
      sentIds.sort((a, b) => a - b),
    );
    assert.equal(result.metrics.recordsIn, sentIds.length);
  });

  it('when the job stops, every taken request is answered 200 and written, every other one 503 and absent', async () => {
    const gated = new GatedSink<{ id: number }>();
    const { url, hub, job } = await start({
      sink: gated as Sink<unknown>,
      maxBufferedRecords: 1_000,
      queueCapacity: 1,
    });
    const answers: Array<{
      ids: number[];
      answer: Promise<{ status: number; json: Record<string, unknown> }>;
    }> = [];
    for (let i = 0; i < 6; i++) {
      const ids = [2 * i, 2 * i + 1];
      const submittedBefore = hub.submitted;
      const answer = fetch(`${url}/ingest/events`, {
        method: 'POST',
        headers: ndjson,
        body: ids.map((id) => JSON.stringify({ id })).join('\n'),
      }).then(async (res) => ({ status: res.status, json: (await res.json()) as Record<string, unknown> }));
      await eventually(() => hub.submitted > submittedBefore, 'the request to be taken');
      answers.push({ ids, answer });
    }
    const stopped = job.stop();
    gated.open();
    await stopped;
    const written = new Set(gated.values.map((v) => v.id));
    let refused = 0;
    for (const { ids, answer } of answers) {
      const { status, json } = await answer;
      if (status === 200)
        assert.ok(
          ids.every((id) => written.has(id)),
          `ids ${ids} answered 200 are written`,
        );
      else {
        refused++;
        assert.equal(status, 503);
        assert.equal(json.processed, false);
        assert.ok(
          ids.every((id) => !written.has(id)),
          `ids ${ids} answered 503 are not in the job`,
        );
      }
    }
    assert.ok(refused > 0, 'the job stopped with requests still waiting in its buffer');
    assert.equal(written.size, 2 * (answers.length - refused));
  });

  it('with ?wait=written answers only after the sinks flushed the records', async () => {
    const { url, sink } = await start();
    const collected = sink as CollectSink<unknown>;
    const flushesBefore = collected.flushes;
    const r = await post(`${url}/ingest/events?wait=written`, '{"a":1}\n{"a":2}', ndjson);
    assert.equal(r.status, 200);
    assert.equal(r.json.wait, 'written');
    assert.ok(collected.flushes > flushesBefore, 'a flush ran before the answer');
    assert.deepEqual(collected.values, [{ a: 1 }, { a: 2 }]);
    const bad = await post(`${url}/ingest/events?wait=soon`, '{}', ndjson);
    assert.equal(bad.status, 400);
  });

  it('gives records event time with fromSource(source, { watermarks })', async () => {
    const watermarks = WatermarkStrategy.monotonousTimestamps<unknown>().withTimestamp(
      (r) => (r as { ts: number }).ts,
    );
    const { url, job, sink } = await start({ watermarks });
    await post(`${url}/ingest/events`, '{"ts":1000}\n{"ts":2000}', ndjson);
    await job.stop();
    const collected = sink as CollectSink<unknown>;
    assert.deepEqual(
      collected.records.map((r) => r.timestampMs),
      [1000, 2000],
    );
    assert.ok(collected.watermarksMs.includes(1999), `watermarks: ${collected.watermarksMs.join(',')}`);
  });

  it('leaves paths of an index named ingest to the search API', () => {
    assert.equal(isIngestRequest('POST', '/ingest/events'), true);
    assert.equal(isIngestRequest('POST', '/ingest/_search'), false);
    assert.equal(isIngestRequest('GET', '/ingest/events'), false);
    assert.equal(isIngestRequest('POST', '/ingest/events/_doc'), false);
  });

  it('answers requests that arrive once the job stopped with 404: no job reads the stream any more', async () => {
    const { url, job } = await start();
    await job.stop();
    const r = await post(`${url}/ingest/events`, '{"a":1}', ndjson);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json.streams, []);
  });
});
