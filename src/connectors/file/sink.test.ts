import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { batchOfValues } from '../../core/record-batch.js';
import { fakeSinkContext } from '../../testing/connector-contexts.js';
import { fileSink } from './sink.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-file-sink-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fileSink', () => {
  it('creates missing directories and appends one JSON document per line', async () => {
    const path = join(dir, 'nested', 'deeper', 'out.ndjson');
    const sink = fileSink(path, { format: 'ndjson' });
    assert.equal(sink.name, `file:${path}`);
    const writer = await sink.createWriter(fakeSinkContext());
    await writer.write(batchOfValues('src', [{ a: 1 }, 'text', 3, null, ['x', { y: 'line\nbreak' }]], 1));
    await writer.flush?.();
    await writer.close?.();
    const lines = (await readFile(path, 'utf8')).split('\n');
    assert.deepEqual(lines, ['{"a":1}', '"text"', '3', 'null', '["x",{"y":"line\\nbreak"}]', '']);
    assert.deepEqual(
      lines.slice(0, -1).map((l) => JSON.parse(l)),
      [{ a: 1 }, 'text', 3, null, ['x', { y: 'line\nbreak' }]],
    );
  });

  it('appends to an existing file instead of replacing it', async () => {
    const path = join(dir, 'existing.ndjson');
    await writeFile(path, '{"old":true}\n');
    const writer = await fileSink(path).createWriter(fakeSinkContext());
    await writer.write(batchOfValues('src', [{ new: true }], 1));
    await writer.close?.();
    assert.equal(await readFile(path, 'utf8'), '{"old":true}\n{"new":true}\n');
  });

  it('has every written record in the file once flush resolves, before close', async () => {
    const path = join(dir, 'flushed.ndjson');
    const writer = await fileSink(path).createWriter(fakeSinkContext());
    for (let b = 0; b < 20; b++) {
      const values = Array.from({ length: 500 }, (_, i) => ({ b, i, pad: 'p'.repeat(40) }));
      await writer.write(batchOfValues('src', values, b * 500 + 1));
    }
    await writer.flush?.();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 10_000);
    assert.deepEqual(JSON.parse(lines.at(-1) ?? ''), { b: 19, i: 499, pad: 'p'.repeat(40) });
    await writer.close?.();
  });

  it('returns a promise from write only when the stream buffer is full (backpressure)', async () => {
    const writer = await fileSink(join(dir, 'pressure.ndjson')).createWriter(fakeSinkContext());
    assert.equal(writer.write(batchOfValues('src', [{ small: 1 }], 1)), undefined);
    const big = Array.from({ length: 2_000 }, (_, i) => ({ i, pad: 'q'.repeat(100) }));
    const pending = writer.write(batchOfValues('src', big, 2));
    assert.ok(pending instanceof Promise, 'a write past the high-water mark waits for drain');
    await pending;
    await writer.close?.();
  });

  it('dead-letters values JSON cannot represent, with origin and position, and writes the rest', async () => {
    const path = join(dir, 'bad.ndjson');
    const ctx = fakeSinkContext();
    const writer = await fileSink(path).createWriter(ctx);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await writer.write(batchOfValues('file:/in.log', [1, undefined, 10n, cyclic, 5], 7));
    await writer.close?.();
    assert.equal(await readFile(path, 'utf8'), '1\n5\n');
    assert.deepEqual(
      ctx.deadLetters.map((l) => [l.origin, l.position]),
      [
        ['file:/in.log', 8],
        ['file:/in.log', 9],
        ['file:/in.log', 10],
      ],
    );
    assert.match(ctx.deadLetters[1]?.reason ?? '', /^cannot write the record as JSON: .*BigInt/);
  });
});
