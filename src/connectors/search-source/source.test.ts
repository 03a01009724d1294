import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SourceMessage, SourceReader } from '../../core/source.js';
import { EmbeddedSearchEngine } from '../../search/embedded/embedded-engine.js';
import { fakeSourceContext } from '../../testing/connector-contexts.js';
import { followOrigin, type SearchRecord, searchSource, sliceOrigin } from './source.js';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function engineWith(count: number): Promise<EmbeddedSearchEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'search-source-'));
  dirs.push(dir);
  const engine = await EmbeddedSearchEngine.open({ dataDir: dir });
  await index(engine, 0, count, (i) => i);
  return engine;
}

async function index(engine: EmbeddedSearchEngine, from: number, to: number, seq: (i: number) => number) {
  const actions = [];
  for (let i = from; i < to; i++)
    actions.push({ index: { _index: 'docs', _id: `d${i}` }, document: { n: i, seq: seq(i) } });
  if (actions.length > 0) await engine.bulk(actions);
  await engine.refresh('docs');
}

interface Read {
  readonly records: SearchRecord[];
  readonly states: Map<string, unknown>;
  readonly finished: string[];
}

/** Reads until `end` or until `limit` data messages, keeping the last state of each split. */
async function drain(reader: SourceReader<SearchRecord>, limit = 10_000): Promise<Read> {
  const out: Read = { records: [], states: new Map(), finished: [] };
  for (let data = 0; data < limit; ) {
    const m: SourceMessage<SearchRecord> = await reader.read();
    if (m.kind === 'end') break;
    if (m.kind === 'splits') out.finished.push(...(m.finished ?? []));
    if (m.kind !== 'data') continue;
    data++;
    out.records.push(...m.batch.values);
    if (m.state !== undefined) out.states.set(m.batch.origin, m.state);
  }
  return out;
}

const ids = (records: readonly SearchRecord[]) => records.map((r) => r.id).sort();
const expectedIds = (n: number) => Array.from({ length: n }, (_, i) => `d${i}`).sort();

describe('searchSource scan', () => {
  it('reads every document exactly once with one slice and with three', async () => {
    const engine = await engineWith(250);
    for (const slices of [1, 3]) {
      const ctx = fakeSourceContext({ batchSize: 40 });
      const reader = searchSource({ engine, index: 'docs', slices, pageSize: 70 }).createReader(ctx);
      const read = await drain(reader);
      await reader.close?.();
      assert.deepEqual(ids(read.records), expectedIds(250));
      assert.equal(read.records.length, 250);
      assert.deepEqual(
        read.finished.sort(),
        Array.from({ length: slices }, (_, i) => sliceOrigin('docs', i)).sort(),
      );
      for (const r of read.records) assert.equal(r.source.n, Number(r.id.slice(1)));
    }
    await engine.close();
  });

  it('continues exactly after the resume state of each slice', async () => {
    const engine = await engineWith(200);
    const first = searchSource({ engine, index: 'docs', slices: 3, pageSize: 30 }).createReader(
      fakeSourceContext({ batchSize: 10 }),
    );
    const part = await drain(first, 7); // stops mid-way, in the first slice
    await first.close?.();
    assert.ok(part.records.length > 0 && part.records.length < 200);
    const second = searchSource({ engine, index: 'docs', slices: 3, pageSize: 30 }).createReader(
      fakeSourceContext({ batchSize: 10, restoredSplits: part.states }),
    );
    const rest = await drain(second);
    await second.close?.();
    assert.deepEqual([...ids(part.records), ...ids(rest.records)].sort(), expectedIds(200));
    assert.equal(part.records.length + rest.records.length, 200);
    await engine.close();
  });

  it('skips a slice whose state says it is done', async () => {
    const engine = await engineWith(30);
    const reader = searchSource({ engine, index: 'docs', slices: 2 }).createReader(
      fakeSourceContext({ restoredSplits: new Map([[sliceOrigin('docs', 0), { done: true }]]) }),
    );
    const read = await drain(reader);
    await reader.close?.();
    assert.ok(read.records.length > 0 && read.records.length < 30);
    assert.deepEqual(read.finished.sort(), [sliceOrigin('docs', 0), sliceOrigin('docs', 1)]);
    await engine.close();
  });
});

describe('searchSource follow', () => {
  const follow = { field: 'seq', overlapMs: 10, pollIntervalMs: 1000 };

  it('streams new documents, catches late ones inside the overlap, never doubles, misses those beyond it', async () => {
    const engine = await engineWith(5); // seq 0..4
    const ctx = fakeSourceContext();
    const reader = searchSource({ engine, index: 'docs', mode: 'follow', follow }).createReader(ctx);
    const poll1 = await drain(reader, 1);
    assert.deepEqual(ids(poll1.records), expectedIds(5));
    await index(engine, 5, 8, (i) => 100 + i); // seq 105..107: high water 107
    ctx.clock.advance(1000);
    const poll2 = await drain(reader, 1);
    assert.deepEqual(ids(poll2.records), ['d5', 'd6', 'd7']);
    // late arrivals: seq 99 is inside the overlap (>= 107 - 10), seq 50 is beyond it
    await index(engine, 8, 9, () => 99);
    await index(engine, 9, 10, () => 50);
    await index(engine, 10, 11, () => 108);
    ctx.clock.advance(1000);
    const poll3 = await drain(reader, 1);
    assert.deepEqual(ids(poll3.records), ['d10', 'd8']);
    // an update that moves the field forward is emitted again
    await engine.bulk([{ index: { _index: 'docs', _id: 'd7' }, document: { n: 7, seq: 120 } }]);
    await engine.refresh('docs');
    ctx.clock.advance(1000);
    const poll4 = await drain(reader, 1);
    assert.deepEqual(ids(poll4.records), ['d7']);
    assert.equal(poll4.records[0]?.source.seq, 120);
    ctx.controller.abort();
    assert.equal((await reader.read()).kind, 'end');
    await reader.close?.();
    await engine.close();
  });

  it('resumes from its split state without repeating what was read', async () => {
    const engine = await engineWith(4);
    const ctx = fakeSourceContext();
    const reader = searchSource({ engine, index: 'docs', mode: 'follow', follow }).createReader(ctx);
    const first = await drain(reader, 1);
    await reader.close?.();
    assert.equal(first.records.length, 4);
    await index(engine, 4, 6, (i) => i);
    const ctx2 = fakeSourceContext({ restoredSplits: first.states });
    const again = searchSource({ engine, index: 'docs', mode: 'follow', follow }).createReader(ctx2);
    const next = await drain(again, 1);
    assert.deepEqual(ids(next.records), ['d4', 'd5']);
    assert.ok(first.states.has(followOrigin('docs')));
    ctx2.controller.abort();
    await again.close?.();
    await engine.close();
  });
});
