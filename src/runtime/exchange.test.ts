import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchOfValues, type RecordBatch } from '../core/record-batch.js';
import { keyGroupOf, subtaskForKeyGroup } from '../state/key-groups.js';
import { Exchange } from './exchange.js';

const values = (parts: ReadonlyArray<RecordBatch<unknown> | undefined>) =>
  parts.map((p) => (p ? [...p.values] : []));
const noKeyErrors = () => assert.fail('no key should fail');

describe('the exchange on an edge', () => {
  const batch = batchOfValues('src', ['a', 'b', 'c', 'd', 'e', 'f'], 1);

  it('forward sends upstream instance i to downstream instance i mod p', () => {
    const ex = new Exchange({ kind: 'forward' }, 2, 128);
    assert.deepEqual(values(ex.route(batch, 0, noKeyErrors)), [['a', 'b', 'c', 'd', 'e', 'f'], []]);
    assert.deepEqual(values(ex.route(batch, 3, noKeyErrors)), [[], ['a', 'b', 'c', 'd', 'e', 'f']]);
  });

  it('rebalance sends whole batches round robin', () => {
    const ex = new Exchange({ kind: 'rebalance' }, 3, 128);
    const targets = [0, 1, 2, 3].map((_) =>
      ex.route(batch, 0, noKeyErrors).findIndex((p) => p !== undefined),
    );
    assert.deepEqual(targets, [0, 1, 2, 0]);
  });

  it('broadcast sends every record to every instance', () => {
    const ex = new Exchange({ kind: 'broadcast' }, 3, 128);
    assert.deepEqual(values(ex.route(batch, 0, noKeyErrors)), [
      ['a', 'b', 'c', 'd', 'e', 'f'],
      ['a', 'b', 'c', 'd', 'e', 'f'],
      ['a', 'b', 'c', 'd', 'e', 'f'],
    ]);
  });

  it('hash sends each record to the instance owning its key group, keeping positions and order', () => {
    const ex = new Exchange({ kind: 'hash', key: (v) => v as string }, 4, 128);
    const parts = ex.route(batch, 0, noKeyErrors);
    for (const [i, part] of parts.entries()) {
      for (const v of part?.values ?? [])
        assert.equal(subtaskForKeyGroup(128, 4, keyGroupOf(v as string, 128)), i);
    }
    const all = parts.flatMap((p) => (p ? p.values.map((v, j) => [v, p.positions[j]]) : []));
    assert.deepEqual(
      all.sort(),
      ['a', 'b', 'c', 'd', 'e', 'f'].map((v, i) => [v, i + 1]),
    );
  });

  it('hash reports a record whose key cannot be computed and leaves it out', () => {
    const ex = new Exchange(
      {
        kind: 'hash',
        key: (v) => {
          if (v === 'c') throw new Error('no key');
          return v as string;
        },
      },
      2,
      128,
    );
    const failed: number[] = [];
    const parts = ex.route(batch, 0, (i) => failed.push(i));
    assert.deepEqual(failed, [2]);
    assert.equal(
      parts.reduce((n, p) => n + (p?.values.length ?? 0), 0),
      5,
    );
  });
});
