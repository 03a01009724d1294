import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchOfValues, recordBatch } from '../../core/record-batch.js';
import { collectSink } from './sink.js';

describe('collectSink', () => {
  it('keeps values, timestamps, origins and positions of every writer the runtime creates', async () => {
    const sink = collectSink<string>();
    const first = await sink.createWriter();
    const second = await sink.createWriter();
    await first.write(recordBatch('file:a', ['x', 'y'], [10, 20], [1, 2]));
    await second.write(batchOfValues('file:b', ['z'], 5));
    first.writeWatermark?.(15);
    await first.flush?.();
    await first.close?.();
    assert.deepEqual(sink.values, ['x', 'y', 'z']);
    assert.deepEqual(sink.records, [
      { value: 'x', timestampMs: 10, origin: 'file:a', position: 1 },
      { value: 'y', timestampMs: 20, origin: 'file:a', position: 2 },
      { value: 'z', timestampMs: Number.NaN, origin: 'file:b', position: 5 },
    ]);
    assert.deepEqual(sink.watermarksMs, [15]);
    assert.equal(sink.flushes, 1);
    assert.equal(sink.closes, 1);
  });

  it('starts over after clear()', async () => {
    const sink = collectSink<number>('results');
    assert.equal(sink.name, 'results');
    const writer = await sink.createWriter();
    await writer.write(batchOfValues('s', [1, 2], 1));
    sink.clear();
    await writer.write(batchOfValues('s', [3], 3));
    assert.deepEqual(sink.values, [3]);
    assert.equal(sink.records.length, 1);
  });
});
