/**
 * The Kafka flagship example end to end, as a newcomer runs it: `sluice run` of
 * examples/kafka-web-events/produce.ts (web events into a new topic on the real broker), `sluice
 * run` of status-per-minute.ts (Kafka source with per-partition watermarks, windows per status
 * and minute, search sink; bounded, so it ends by itself), then `sluice search --json`. Once on
 * the embedded engine and once on OpenSearch 2.19. The expected documents are counted here from
 * the topic itself, read back with the bare Kafka client (not sluice's source) and grouped by
 * hand; every count must match exactly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { requireService } from '../../support/services.js';

const EVENTS = 12_000;
const MINUTE_MS = 60_000;
const STEP_BOUND_MS = 120_000;
const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

interface Row {
  minute: string;
  status: number;
  requests: number;
  bytes: number;
  max_latency_ms: number;
}

/** Runs the sluice CLI to its exit (bounded in time); resolves with its output, rejects on a failure. */
function sluice(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [root('bin/sluice.js'), ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice ${args.join(' ')} did not end within ${STEP_BOUND_MS} ms:\n${err}`));
    }, STEP_BOUND_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout: out, stderr: err });
      else reject(new Error(`sluice ${args.join(' ')} exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** Reads every record of the topic with the bare client and counts per (minute, status) by hand. */
async function expectedRows(bootstrap: string, topic: string): Promise<Map<string, Row>> {
  const consumer = new Consumer({
    groupId: `count-${topic}`,
    clientId: 'flagship-test',
    bootstrapBrokers: bootstrap.split(','),
    deserializers: stringDeserializers,
  });
  const rows = new Map<string, Row>();
  const maxTimestampMs = new Map<number, number>();
  let worstLagMs = 0;
  let seen = 0;
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  const deadline = setTimeout(() => void stream.close(), STEP_BOUND_MS);
  try {
    for await (const message of stream) {
      const e = JSON.parse(message.value) as { status: number; bytes: number; latencyMs: number };
      const timestampMs = Number(message.timestamp);
      const max = maxTimestampMs.get(message.partition) ?? timestampMs;
      worstLagMs = Math.max(worstLagMs, max - timestampMs);
      maxTimestampMs.set(message.partition, Math.max(max, timestampMs));
      const minuteMs = Math.floor(timestampMs / MINUTE_MS) * MINUTE_MS;
      const minute = new Date(minuteMs).toISOString();
      const key = `${minute}/${e.status}`;
      const row = rows.get(key) ?? { minute, status: e.status, requests: 0, bytes: 0, max_latency_ms: 0 };
      row.requests++;
      row.bytes += e.bytes;
      row.max_latency_ms = Math.max(row.max_latency_ms, e.latencyMs);
      rows.set(key, row);
      if (++seen >= EVENTS) break;
    }
  } finally {
    clearTimeout(deadline);
    await stream.close();
    await consumer.close(true);
  }
  assert.equal(seen, EVENTS, `the topic holds the ${EVENTS} produced events`);
  // The producer's events lag by at most 2 s; the sink must keep their order within a partition.
  assert.ok(worstLagMs <= 2_000, `a partition holds records ${worstLagMs} ms out of order (at most 2000)`);
  return rows;
}

async function searchJson(url: string, index: string, query: string[], cwd: string) {
  const { stdout } = await sluice(
    ['search', '--url', url, index, ...query, '--size', '1000', '--json'],
    {},
    cwd,
  );
  return JSON.parse(stdout) as {
    hits: {
      total: { value: number } | number;
      hits: Array<{ _id: string; _source: Row & { error: boolean } }>;
    };
  };
}

const total = (t: { value: number } | number) => (typeof t === 'number' ? t : t.value);

async function runFlagship(bootstrap: string, engineUrl: (dir: string) => string): Promise<void> {
  const suffix = randomUUID().slice(0, 8);
  const topic = `flagship-web-events-${suffix}`;
  const index = `flagship-web-status-${suffix}`;
  const dir = await mkdtemp(join(tmpdir(), 'sluice-flagship-'));
  const url = engineUrl(dir);
  const env = { KAFKA_BOOTSTRAP: bootstrap, KAFKA_TOPIC: topic, SEARCH_INDEX: index };
  try {
    await sluice(
      ['run', '--no-progress', root('examples/kafka-web-events/produce.ts'), String(EVENTS)],
      env,
      dir,
    );
    const expected = await expectedRows(bootstrap, topic);
    const { stderr: log } = await sluice(
      ['run', '--no-progress', '--url', url, root('examples/kafka-web-events/status-per-minute.ts')],
      env,
      dir,
    );
    // A cluster makes acknowledged documents searchable at its next refresh (1 s): refresh now, as
    // a search a newcomer types a second later would find them.
    if (url.startsWith('http')) await fetch(`${url}/${index}/_refresh`, { method: 'POST' });
    const all = await searchJson(url, index, [], dir);
    assert.equal(
      total(all.hits.total),
      expected.size,
      `one document per (minute, status); got ${all.hits.hits.map((h) => h._id).sort()}, expected ${[...expected.keys()].sort()}; job log:\n${log}`,
    );
    const got = new Map(
      all.hits.hits.map((h) => {
        const { minute, status, requests, bytes, max_latency_ms } = h._source;
        return [h._id, { minute, status, requests, bytes, max_latency_ms }];
      }),
    );
    assert.deepEqual(
      new Map([...got].sort(([a], [b]) => a.localeCompare(b))),
      new Map([...expected].sort(([a], [b]) => a.localeCompare(b))),
      'every (minute, status) document holds exactly the counts of the produced events',
    );
    const requests = [...got.values()].reduce((sum, r) => sum + r.requests, 0);
    assert.equal(requests, EVENTS, 'no event lost, none counted twice, none dropped as late');
    const errors = await searchJson(url, index, ['error:true'], dir);
    const expectedErrors = [...expected.values()].filter((r) => r.status >= 500);
    assert.ok(expectedErrors.length > 0, 'the generator produced some 5xx responses');
    assert.equal(total(errors.hits.total), expectedErrors.length, 'error:true finds the 5xx documents');
    assert.ok(errors.hits.hits.every((h) => h._source.status >= 500 && h._source.error === true));
  } finally {
    if (url.startsWith('http')) await fetch(`${url}/${index}`, { method: 'DELETE' }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

describe('Kafka flagship example (examples/kafka-web-events)', { timeout: 600_000 }, () => {
  it('produce -> Kafka -> windows per status and minute -> embedded engine -> sluice search: exact counts', async (t) => {
    const kafka = requireService(t, 'kafka4');
    if (!kafka) return;
    await runFlagship(kafka.bootstrap ?? kafka.url, (dir) => `embedded:${join(dir, 'data')}`);
  });

  it('the same pipeline into OpenSearch 2.19 with --url: exact counts', async (t) => {
    const kafka = requireService(t, 'kafka4');
    const opensearch = requireService(t, 'opensearch2');
    if (!kafka || !opensearch) return;
    await runFlagship(kafka.bootstrap ?? kafka.url, () => opensearch.url);
  });
});
