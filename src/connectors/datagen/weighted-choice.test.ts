import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuantileTable, standardNormalQuantile } from './quantile-table.js';
import { WeightedChoice, zipfWeights } from './weighted-choice.js';

describe('WeightedChoice', () => {
  it('picks items in proportion to their weights over an even grid of uniforms', () => {
    const choice = new WeightedChoice([
      ['a', 1],
      ['b', 3],
      ['c', 0],
      ['d', 6],
    ]);
    const counts = new Map<string, number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const item = choice.pick((i + 0.5) / n);
      counts.set(item, (counts.get(item) ?? 0) + 1);
    }
    assert.equal(counts.get('c'), undefined, 'weight 0 is never picked');
    assert.ok(Math.abs((counts.get('a') ?? 0) / n - 0.1) < 0.001);
    assert.ok(Math.abs((counts.get('b') ?? 0) / n - 0.3) < 0.001);
    assert.ok(Math.abs((counts.get('d') ?? 0) / n - 0.6) < 0.001);
  });

  it('refuses an empty list and weights that do not sum to a positive number', () => {
    assert.throws(() => new WeightedChoice([]), RangeError);
    assert.throws(() => new WeightedChoice([['a', 0]]), RangeError);
    assert.throws(() => new WeightedChoice([['a', Number.NaN]]), RangeError);
  });

  it('gives Zipf weights that fall as 1/rank^exponent', () => {
    assert.deepEqual(zipfWeights(3, 1), [1, 1 / 2, 1 / 3]);
  });
});

describe('QuantileTable', () => {
  it('inverts the standard normal CDF to within 1e-6', () => {
    assert.ok(Math.abs(standardNormalQuantile(0.5)) < 1e-9);
    assert.ok(Math.abs(standardNormalQuantile(0.975) - 1.959964) < 1e-6);
    assert.ok(Math.abs(standardNormalQuantile(0.001) + 3.090232) < 1e-6);
  });

  it('samples a log-normal around its median and an exponential around its mean', () => {
    const logNormal = QuantileTable.logNormal(100, 0.5);
    assert.ok(Math.abs(logNormal.sample(0.5) - 100) < 0.1);
    assert.ok(logNormal.sample(0.99) > 250);
    const exponential = QuantileTable.exponential(20);
    let sum = 0;
    for (let i = 0; i < 4096; i++) sum += exponential.sample((i + 0.5) / 4096);
    assert.ok(Math.abs(sum / 4096 - 20) < 0.2, `mean ${sum / 4096}`);
  });
});
