import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.js';
import {
  eventually,
  fakeSourceContext,
  positionsOf,
  readAdvancing,
  readAll,
  readBatch,
  readValuesAdvancing,
  valuesOf,
} from '../../testing/connector-contexts.js';
import { fileSource } from './source.js';

let dir: string;
let n = 0;
/** A fresh directory per test, inside one temp directory removed at the end. */
async function freshDir(): Promise<string> {
  const d = join(dir, `t${++n}`);
  await mkdir(d);
  return d;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-file-source-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fileSource once', () => {
  it('reads lines in batches of batchSize, numbered from 1, with a last line lacking a newline', async () => {
    const d = await freshDir();
    const path = join(d, 'access.log');
    await writeFile(path, 'a\nb\r\n\nd\ne');
    const source = fileSource(path, { format: 'lines' });
    assert.equal(source.name, `file:${path}`);
    assert.equal(source.boundedness, 'bounded');
    const batches = await readAll(source.createReader(fakeSourceContext({ batchSize: 2 })));
    assert.deepEqual(
      batches.map((b) => [...b.values]),
      [['a', 'b'], ['', 'd'], ['e']],
    );
    assert.deepEqual(positionsOf(batches), [1, 2, 3, 4, 5]);
    assert.ok(batches.every((b) => b.origin === `file:${path}` && b.timestampsMs.every(Number.isNaN)));
  });

  it('streams a file much larger than one read chunk without losing or splitting lines', async () => {
    const d = await freshDir();
    const path = join(d, 'big.log');
    const lines = Array.from({ length: 60_000 }, (_, i) => `line ${i + 1} ${'x'.repeat(i % 50)}`);
    await writeFile(path, `${lines.join('\n')}\n`);
    const batches = await readAll(fileSource(path).createReader(fakeSourceContext({ batchSize: 1000 })));
    assert.equal(batches.length, 60);
    assert.deepEqual(valuesOf(batches), lines);
    assert.equal(positionsOf(batches).at(-1), 60_000);
  });

  it('sends bad NDJSON lines to the dead letters with line number and reason, and keeps reading', async () => {
    const d = await freshDir();
    const path = join(d, 'events.ndjson');
    await writeFile(path, '{"n":1}\nnot json\n{"n":3}\n\n{"n":\n');
    const ctx = fakeSourceContext();
    const batches = await readAll(fileSource(path, { format: 'ndjson' }).createReader(ctx));
    assert.deepEqual(valuesOf(batches), [{ n: 1 }, { n: 3 }]);
    assert.deepEqual(positionsOf(batches), [1, 3]);
    assert.deepEqual(
      ctx.deadLetters.map((l) => [l.position, l.record]),
      [
        [2, 'not json'],
        [5, '{"n":'],
      ],
    );
    assert.ok(ctx.deadLetters.every((l) => l.reason.startsWith('invalid JSON: ')));
  });

  it('reads CSV with a header row and dead-letters rows with the wrong number of fields', async () => {
    const d = await freshDir();
    const path = join(d, 'hits.csv');
    await writeFile(path, 'ts,status,path\n1,200,/\n2,404\n3,500,"/a,b"\n');
    const ctx = fakeSourceContext();
    const batches = await readAll(fileSource(path, { format: 'csv' }).createReader(ctx));
    assert.deepEqual(valuesOf(batches), [
      { ts: '1', status: '200', path: '/' },
      { ts: '3', status: '500', path: '/a,b' },
    ]);
    assert.deepEqual(positionsOf(batches), [2, 4]);
    assert.deepEqual(ctx.deadLetters, [
      {
        origin: `file:${path}`,
        position: 3,
        reason: 'expected 3 CSV fields (as in the header), got 2',
        record: '2,404',
      },
    ]);
  });

  it('expands a glob to files read one after another in sorted order, never mixing files in a batch', async () => {
    const d = await freshDir();
    await writeFile(join(d, 'b.log'), 'b1\nb2\nb3\n');
    await writeFile(join(d, 'a.log'), 'a1\n');
    await writeFile(join(d, 'c.txt'), 'not matched\n');
    await mkdir(join(d, 'sub'));
    await writeFile(join(d, 'sub', 'c.log'), 'c1\n');
    const source = fileSource(join(d, '**/*.log'));
    assert.equal(source.name, `file:${join(d, '**/*.log')}`);
    const batches = await readAll(source.createReader(fakeSourceContext({ batchSize: 10 })));
    assert.deepEqual(
      batches.map((b) => [b.origin, [...b.values], [...b.positions]]),
      [
        [`file:${join(d, 'a.log')}`, ['a1'], [1]],
        [`file:${join(d, 'b.log')}`, ['b1', 'b2', 'b3'], [1, 2, 3]],
        [`file:${join(d, 'sub', 'c.log')}`, ['c1'], [1]],
      ],
    );
  });

  it('names the file in dead letters when the source spans several files, and reads each CSV header', async () => {
    const d = await freshDir();
    await writeFile(join(d, '1.csv'), 'a,b\n1,2\n');
    await writeFile(join(d, '2.csv'), 'x\n9\n7,7\n');
    const ctx = fakeSourceContext();
    const batches = await readAll(fileSource(d, { format: 'csv' }).createReader(ctx));
    assert.deepEqual(valuesOf(batches), [{ a: '1', b: '2' }, { x: '9' }]);
    assert.deepEqual(ctx.deadLetters, [
      {
        origin: `file:${join(d, '2.csv')}`,
        position: 3,
        reason: 'expected 1 CSV fields (as in the header), got 2',
        record: '7,7',
      },
    ]);
  });

  it('dead-letters a line longer than maxLineBytes with a preview and continues', async () => {
    const d = await freshDir();
    const path = join(d, 'long.log');
    await writeFile(path, `ok\n${'z'.repeat(100_000)}\nafter\n`);
    const ctx = fakeSourceContext();
    const batches = await readAll(fileSource(path, { maxLineBytes: 1000 }).createReader(ctx));
    assert.deepEqual(valuesOf(batches), ['ok', 'after']);
    assert.deepEqual(positionsOf(batches), [1, 3]);
    assert.equal(ctx.deadLetters.length, 1);
    assert.equal(ctx.deadLetters[0]?.position, 2);
    assert.match(ctx.deadLetters[0]?.reason ?? '', /100000 bytes, longer than maxLineBytes/);
    assert.equal(ctx.deadLetters[0]?.record, 'z'.repeat(256));
  });

  it('fails with a ConfigError when nothing matches', async () => {
    const d = await freshDir();
    const reader = fileSource(join(d, 'missing-*.log')).createReader(fakeSourceContext());
    await assert.rejects(
      reader.read(),
      (e: unknown) => e instanceof ConfigError && /nothing matches/.test(e.message),
    );
  });

  it('rejects unknown options before anything runs', () => {
    assert.throws(
      () => fileSource('x.log', { mode: 'tail' } as never),
      /invalid file source options: mode: /,
    );
  });
});

describe('fileSource follow', () => {
  const pollIntervalMs = 500;

  it('picks up appended lines at the next poll, holding a partial line until its newline', async () => {
    const d = await freshDir();
    const path = join(d, 'app.log');
    await writeFile(path, 'one\n');
    const ctx = fakeSourceContext();
    const source = fileSource(path, { mode: 'follow', pollIntervalMs });
    assert.equal(source.boundedness, 'unbounded');
    const reader = source.createReader(ctx);
    assert.deepEqual([...(await readBatch(reader)).values], ['one']);

    await appendFile(path, 'two\nthr');
    const batch = await readAdvancing(reader, ctx, pollIntervalMs);
    assert.equal(batch.kind, 'data');
    assert.deepEqual(batch.kind === 'data' && [...batch.batch.values], ['two']);
    assert.deepEqual(batch.kind === 'data' && [...batch.batch.positions], [2]);

    await appendFile(path, 'ee\n');
    assert.deepEqual(await readValuesAdvancing(reader, ctx, pollIntervalMs), ['three']);
    await reader.close?.();
  });

  it('picks up new files that match the glob', async () => {
    const d = await freshDir();
    await writeFile(join(d, 'a.log'), 'a1\n');
    const ctx = fakeSourceContext();
    const reader = fileSource(join(d, '*.log'), { mode: 'follow', pollIntervalMs }).createReader(ctx);
    assert.deepEqual([...(await readBatch(reader)).values], ['a1']);

    await writeFile(join(d, 'b.log'), 'b1\nb2\n');
    const message = await readAdvancing(reader, ctx, pollIntervalMs);
    assert.equal(message.kind === 'data' && message.batch.origin, `file:${join(d, 'b.log')}`);
    assert.deepEqual(message.kind === 'data' && [...message.batch.values], ['b1', 'b2']);
    assert.ok(ctx.logs.some((l) => l === `following ${join(d, 'b.log')}`));
    await reader.close?.();
  });

  it('reads a truncated file again from line 1', async () => {
    const d = await freshDir();
    const path = join(d, 'app.log');
    await writeFile(path, 'old 1\nold 2\n');
    const ctx = fakeSourceContext();
    const reader = fileSource(path, { mode: 'follow', pollIntervalMs }).createReader(ctx);
    assert.deepEqual([...(await readBatch(reader)).values], ['old 1', 'old 2']);

    await truncate(path, 0);
    await appendFile(path, 'new\n');
    const message = await readAdvancing(reader, ctx, pollIntervalMs);
    assert.deepEqual(message.kind === 'data' && [...message.batch.values], ['new']);
    assert.deepEqual(message.kind === 'data' && [...message.batch.positions], [1]);
    assert.ok(ctx.logs.some((l) => l.includes('was truncated')));
    await reader.close?.();
  });

  it('after rotation reads the rest of the old file, then the new file from line 1', async () => {
    const d = await freshDir();
    const path = join(d, 'app.log');
    await writeFile(path, 'first\n');
    const ctx = fakeSourceContext();
    const reader = fileSource(path, { mode: 'follow', pollIntervalMs }).createReader(ctx);
    assert.deepEqual([...(await readBatch(reader)).values], ['first']);

    await appendFile(path, 'last of old, no newline');
    await rename(path, `${path}.1`);
    await writeFile(path, 'fresh\n');
    assert.deepEqual(await readValuesAdvancing(reader, ctx, pollIntervalMs), ['last of old, no newline']);
    const message = await readAdvancing(reader, ctx, pollIntervalMs);
    assert.deepEqual(message.kind === 'data' && [...message.batch.values], ['fresh']);
    assert.deepEqual(message.kind === 'data' && [...message.batch.positions], [1]);
    assert.ok(ctx.logs.some((l) => l.includes('was rotated')));
    await reader.close?.();
  });

  it('waits for a file that does not exist yet', async () => {
    const d = await freshDir();
    const ctx = fakeSourceContext();
    const reader = fileSource(join(d, '*.ndjson'), {
      mode: 'follow',
      format: 'ndjson',
      pollIntervalMs,
    }).createReader(ctx);
    const pending = reader.read();
    await eventually(() => ctx.clock.pendingSleepers === 1, 'the reader to wait for the next poll');
    assert.ok(ctx.logs.some((l) => l.startsWith('no file matches')));
    await writeFile(join(d, 'late.ndjson'), '{"late":true}\n');
    ctx.clock.advance(pollIntervalMs);
    const announced = await pending;
    assert.deepEqual(announced, { kind: 'splits', added: [`file:${join(d, 'late.ndjson')}`] });
    const message = await reader.read();
    assert.deepEqual(message.kind === 'data' && [...message.batch.values], [{ late: true }]);
    await reader.close?.();
  });

  it('ends promptly when the job stops while it waits for the next poll', async () => {
    const d = await freshDir();
    await writeFile(join(d, 'x.log'), 'x\n');
    const ctx = fakeSourceContext();
    const reader = fileSource(join(d, 'x.log'), { mode: 'follow', pollIntervalMs }).createReader(ctx);
    await readBatch(reader);
    let settled = false;
    const pending = reader.read().finally(() => {
      settled = true;
    });
    for (let i = 0; i < 1000 && ctx.clock.pendingSleepers === 0; i++)
      await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    ctx.controller.abort();
    assert.equal((await pending).kind, 'end');
    await reader.close?.();
  });
});
