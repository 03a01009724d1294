import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { batchOfValues } from '../../core/record-batch.js';
import { fakeSinkContext } from '../../testing/connector-contexts.js';
import { printSink } from './sink.js';

/** A writable that records what it got, completing each write only when `release()` is called if slow. */
function capture(options: { highWaterMark?: number; slow?: boolean } = {}) {
  const chunks: string[] = [];
  const held: Array<() => void> = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16_384,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      if (options.slow) held.push(() => callback());
      else callback();
    },
  });
  return {
    stream,
    text: () => chunks.join(''),
    release: () => {
      for (const done of held.splice(0)) done();
    },
  };
}

describe('printSink', () => {
  it('prints one line per record: strings as they are, other values as JSON', async () => {
    const out = capture();
    const writer = await printSink({ stream: out.stream }).createWriter(fakeSinkContext());
    await writer.write(batchOfValues('s', ['plain text', { status: 200 }, 42, [1, 'a'], null], 1));
    await writer.flush?.();
    assert.equal(out.text(), 'plain text\n{"status":200}\n42\n[1,"a"]\nnull\n');
  });

  it('puts "<prefix>> " before each line, and names the sink after the prefix', async () => {
    const out = capture();
    const sink = printSink({ prefix: 'status', stream: out.stream });
    assert.equal(sink.name, 'print:status');
    const writer = await sink.createWriter(fakeSinkContext());
    await writer.write(batchOfValues('s', [{ s: 404 }, 'x'], 1));
    assert.equal(out.text(), 'status> {"s":404}\nstatus> x\n');
  });

  it('shows values JSON cannot represent with util.inspect instead of failing', async () => {
    const out = capture();
    const writer = await printSink({ stream: out.stream }).createWriter(fakeSinkContext());
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    await writer.write(batchOfValues('s', [10n, undefined, cyclic], 1));
    assert.equal(out.text(), '10n\nundefined\n<ref *1> { n: 1, self: [Circular *1] }\n');
  });

  it('returns a promise that waits for drain while the output is slow', async () => {
    const out = capture({ highWaterMark: 8, slow: true });
    const writer = await printSink({ stream: out.stream }).createWriter(fakeSinkContext());
    const pending = writer.write(batchOfValues('s', ['a long enough line'], 1));
    assert.ok(pending instanceof Promise);
    let drained = false;
    void pending.then(() => {
      drained = true;
    });
    await new Promise<void>((r) => setImmediate(r));
    assert.equal(drained, false, 'still waiting while the stream holds the write');
    out.release();
    await pending;
    assert.equal(drained, true);
  });

  it('rejects unknown options', () => {
    assert.throws(() => printSink({ target: 'printer' } as never), /invalid print sink options: target: /);
  });
});
