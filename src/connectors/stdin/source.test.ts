import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  fakeSourceContext,
  positionsOf,
  readAll,
  readBatch,
  valuesOf,
} from '../../testing/connector-contexts.js';
import { stdinSource } from './source.js';

describe('stdinSource', () => {
  it('reads lines from the injected stream until it ends, numbered from 1', async () => {
    const stream = Readable.from([Buffer.from('alpha\r\nbe'), Buffer.from('ta\n\ngamma')]);
    const source = stdinSource({ stream });
    assert.equal(source.name, 'stdin');
    assert.equal(source.boundedness, 'bounded');
    const batches = await readAll(source.createReader(fakeSourceContext({ batchSize: 2 })));
    assert.deepEqual(valuesOf(batches), ['alpha', 'beta', '', 'gamma']);
    assert.deepEqual(positionsOf(batches), [1, 2, 3, 4]);
    assert.ok(batches.every((b) => b.origin === 'stdin' && b.values.length <= 2));
  });

  it('parses NDJSON and dead-letters bad lines with position and reason', async () => {
    const stream = Readable.from(['{"a":1}\n', '{oops}\n', '{"a":3}\n']);
    const ctx = fakeSourceContext();
    const batches = await readAll(stdinSource({ format: 'ndjson', stream }).createReader(ctx));
    assert.deepEqual(valuesOf(batches), [{ a: 1 }, { a: 3 }]);
    assert.equal(ctx.deadLetters.length, 1);
    assert.equal(ctx.deadLetters[0]?.position, 2);
    assert.equal(ctx.deadLetters[0]?.record, '{oops}');
    assert.match(ctx.deadLetters[0]?.reason ?? '', /^invalid JSON/);
  });

  it('reads CSV with a header', async () => {
    const stream = Readable.from(['name,n\nann,1\nbob,2\n']);
    const batches = await readAll(stdinSource({ format: 'csv', stream }).createReader(fakeSourceContext()));
    assert.deepEqual(valuesOf(batches), [
      { name: 'ann', n: '1' },
      { name: 'bob', n: '2' },
    ]);
    assert.deepEqual(positionsOf(batches), [2, 3]);
  });

  it('returns the lines that arrived without waiting for a full batch or the end', async () => {
    const stream = new PassThrough();
    const ctx = fakeSourceContext({ batchSize: 100 });
    const reader = stdinSource({ stream }).createReader(ctx);
    stream.write('first\nsecond\n');
    assert.deepEqual([...(await readBatch(reader)).values], ['first', 'second']);
    const pending = reader.read();
    stream.write('third\n');
    const message = await pending;
    assert.deepEqual(message.kind === 'data' && [...message.batch.positions], [3]);
    stream.end();
    assert.equal((await reader.read()).kind, 'end');
  });

  it('ends when the job stops while waiting for input, and destroys the stream on close', async () => {
    const stream = new PassThrough();
    const ctx = fakeSourceContext();
    const reader = stdinSource({ stream }).createReader(ctx);
    const pending = reader.read();
    ctx.controller.abort();
    assert.equal((await pending).kind, 'end');
    await reader.close?.();
    assert.equal(stream.destroyed, true);
  });
});
