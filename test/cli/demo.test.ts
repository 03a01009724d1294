import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAccessLogLine } from '../../src/formats/access-log.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/sluice.js');
const LOG = resolve(ROOT, '../shared/data/apache_logs');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Demo {
  readonly child: ChildProcessWithoutNullStreams;
  readonly api: string;
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts `sluice demo` and waits (at most 30 s) until it prints where the search API is. */
async function startDemo(dataDir: string, ...args: string[]): Promise<Demo> {
  const child = spawn(
    process.execPath,
    [BIN, 'demo', '--url', `embedded:${dataDir}`, '--port', '0', '--no-progress', ...args],
    { cwd: ROOT },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const deadline = Date.now() + 30_000;
  let api: string | undefined;
  while (api === undefined && Date.now() < deadline) {
    api = /search API: (http:\/\/\S+)/.exec(out)?.[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  if (api === undefined) {
    child.kill('SIGKILL');
    throw new Error(`the demo did not start: ${out}`);
  }
  return {
    child,
    api,
    output: () => out,
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `GET <api><path>` until `ready` accepts the JSON answer (at most `timeoutMs`). */
async function waitFor(
  api: string,
  path: string,
  ready: (json: any) => boolean,
  timeoutMs = 30_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    const res = await fetch(`${api}${path}`);
    last = await res.json();
    if (res.ok && ready(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${path}; last answer: ${JSON.stringify(last)}`);
}

describe('the demo (npm start)', () => {
  it('indexes generated traffic and per-minute stats, serves them, and keeps the data across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-demo-'));
    dirs.push(dir);
    const first = await startDemo(dir, '--rate', '2000');
    let raw: number;
    try {
      assert.match(first.output(), /curl '.*\/weblogs-\*\/_search\?q=status:500/);
      raw = (await waitFor(first.api, '/weblogs-*,-weblogs-stats/_count', (j) => j.count > 500)).count;
      const stats = await waitFor(first.api, '/weblogs-stats/_search?size=1', (j) => j.hits.total.value > 0);
      const doc = stats.hits.hits[0]._source;
      for (const field of ['path', 'requests', 'errors', 'p95_latency_ms', 'status_counts', '@timestamp'])
        assert.ok(field in doc, `stats have ${field}`);
      const errors = await waitFor(
        first.api,
        '/weblogs-*/_search?q=status:500&size=1',
        (j) => j.hits.total.value > 0,
      );
      assert.equal(errors.hits.hits[0]._source.status, 500);
    } finally {
      assert.equal(await first.stop(), 0, first.output());
    }
    assert.match(first.output(), /job "weblogs-demo" stopped/);
    // Every sink's input has event time, so the job's watermark (lowest among sinks) moved.
    assert.match(first.output(), /job "weblogs-demo" stopped .*, watermark \d{4}-\d\d-\d\dT/);
    const read = Number(
      /stopped in [\d.]+ m?s: ([\d,]+) records in/.exec(first.output())?.[1]?.replace(/,/g, ''),
    );
    const second = await startDemo(dir, '--rate', '10');
    try {
      const after = (await waitFor(second.api, '/weblogs-*,-weblogs-stats/_count', () => true)).count;
      assert.ok(after >= raw, `kept ${after} of ${raw} documents`);
      assert.ok(after >= read, `every event read before the stop was indexed (${after} >= ${read})`);
    } finally {
      assert.equal(await second.stop(), 0, second.output());
    }
  });

  it('replays a real access log: every line indexed once, stats match the file', {
    skip: existsSync(LOG) ? false : `${LOG} not found`,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-demo-replay-'));
    dirs.push(dir);
    const entries = readFileSync(LOG, 'utf8').split('\n').filter(Boolean).map(parseAccessLogLine);
    const pairs = new Set(entries.map((e) => `${e.timestampMs - (e.timestampMs % 60_000)}|${e.path}`));
    const demo = await startDemo(dir, '--replay', LOG);
    try {
      const deadline = Date.now() + 60_000;
      while (!/replay finished/.test(demo.output()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      assert.match(demo.output(), /replay finished; still serving/);
      assert.equal(
        (await waitFor(demo.api, '/weblogs-*,-weblogs-stats/_count', () => true)).count,
        entries.length,
        'raw events only',
      );
      assert.equal((await waitFor(demo.api, '/weblogs-stats/_count', () => true)).count, pairs.size);
      // Raw events are filed under the day they happened (event time), not the day of the replay.
      const days = [...new Set(entries.map((e) => new Date(e.timestampMs).toISOString().slice(0, 10)))]
        .sort()
        .map((d) => `weblogs-${d.replace(/-/g, '.')}`);
      assert.ok(days[0]?.startsWith('weblogs-2015.05.17'), days.join());
      const indices = (await waitFor(demo.api, '/_cat/indices/weblogs-*?format=json', () => true)) as {
        index: string;
        'docs.count': string;
      }[];
      assert.deepEqual(
        indices
          .map((i) => i.index)
          .filter((i) => i !== 'weblogs-stats')
          .sort(),
        days,
      );
      const perDay = new Map<string, number>();
      for (const e of entries) {
        const day = `weblogs-${new Date(e.timestampMs).toISOString().slice(0, 10).replace(/-/g, '.')}`;
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
      }
      for (const i of indices)
        if (i.index !== 'weblogs-stats') assert.equal(Number(i['docs.count']), perDay.get(i.index), i.index);
      const finals = await waitFor(demo.api, '/weblogs-stats/_count?q=final:true', () => true);
      assert.equal(finals.count, pairs.size, 'every minute closed at the end of the replay');
      const res = await fetch(`${demo.api}/weblogs-stats/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size: 0, aggs: { requests: { sum: { field: 'requests' } } } }),
      });
      const total = (await res.json()) as { aggregations: { requests: { value: number } } };
      assert.equal(
        total.aggregations.requests.value,
        entries.length,
        'per-minute request counts add up to the lines of the file',
      );
    } finally {
      assert.equal(await demo.stop(), 0, demo.output());
    }
  });
});
