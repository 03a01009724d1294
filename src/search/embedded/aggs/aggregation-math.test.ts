import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarRounding, fixedRounding } from './interval-rounding.js';
import { percentile } from './percentiles-aggregation.js';

test('calendar months, quarters and years round with integer date math', () => {
  const month = calendarRounding('month', 0);
  const feb29 = Date.UTC(2024, 1, 29, 23, 59);
  assert.equal(month.start(month.ordinal(feb29)), Date.UTC(2024, 1, 1));
  assert.equal(month.start(month.ordinal(feb29) + 1), Date.UTC(2024, 2, 1));
  const quarter = calendarRounding('1q', 0);
  assert.equal(quarter.start(quarter.ordinal(Date.UTC(2023, 10, 5))), Date.UTC(2023, 9, 1));
  const year = calendarRounding('year', 0);
  assert.equal(year.start(year.ordinal(Date.UTC(1969, 6, 1))), Date.UTC(1969, 0, 1));
  assert.throws(() => calendarRounding('2d', 0), /could not be parsed as a calendar interval/);
});

test('fixed intervals honour the offset and negative values', () => {
  const r = fixedRounding(10, 3);
  assert.equal(r.start(r.ordinal(12)), 3);
  assert.equal(r.start(r.ordinal(13)), 13);
  assert.equal(r.start(r.ordinal(-1)), -7);
});

test('percentiles interpolate between values sitting at rank i + 0.5 and clamp at the ends', () => {
  const values = Float64Array.of(10, 20, 30, 40, 50);
  assert.equal(percentile(values, 50), 30);
  assert.equal(percentile(values, 25), 17.5);
  assert.equal(percentile(values, 1), 10);
  assert.equal(percentile(values, 100), 50);
  assert.equal(percentile(new Float64Array(0), 50), null);
});
