import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../time/manual-clock.js';
import { resolveDateMath } from './date-math.js';

const NOW = Date.UTC(2024, 4, 15, 13, 47, 30, 250);
const clock = new ManualClock(NOW);
const at = (expression: unknown, roundUp = false, format?: string) =>
  resolveDateMath(expression, { clock, roundUp, format });

test('now with arithmetic reads the injected clock', () => {
  assert.equal(at('now'), NOW);
  assert.equal(at('now-15m'), NOW - 15 * 60_000);
  assert.equal(at('now+1h-30s'), NOW + 3_600_000 - 30_000);
  assert.equal(at('now-1M'), Date.UTC(2024, 3, 15, 13, 47, 30, 250));
});

test('rounding goes down for gte/lt and up to the last millisecond for gt/lte', () => {
  assert.equal(at('now/d'), Date.UTC(2024, 4, 15));
  assert.equal(at('now/d', true), Date.UTC(2024, 4, 16) - 1);
  assert.equal(at('now/M'), Date.UTC(2024, 4, 1));
  assert.equal(at('now/w'), Date.UTC(2024, 4, 13), 'weeks start on Monday');
  assert.equal(at('now-1d/d'), Date.UTC(2024, 4, 14));
});

test('an anchor date followed by || takes math, and date-only bounds round up when asked', () => {
  assert.equal(at('2024-01-01||+1d'), Date.UTC(2024, 0, 2));
  assert.equal(at('2024-01-31||+1M/d'), Date.UTC(2024, 1, 29));
  assert.equal(at('2024-01-01', true), Date.UTC(2024, 0, 2) - 1);
  assert.equal(at('2024-01', true), Date.UTC(2024, 1, 1) - 1);
  assert.equal(at(1_700_000_000_000), 1_700_000_000_000);
  assert.equal(at('1700000000', false, 'epoch_second'), 1_700_000_000_000);
});

test('an unparseable date or unit is a parse error naming the value', () => {
  assert.throws(() => at('yesterday'), /failed to parse date field \[yesterday\]/);
  assert.throws(() => at('now-3x'), /date math/);
});
