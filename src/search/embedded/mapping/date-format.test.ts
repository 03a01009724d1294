import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDate, parseDate } from './date-format.js';

test('custom patterns parse (twice: the second time from the compiled cache) and refuse what does not fit', () => {
  for (let i = 0; i < 2; i++) {
    assert.equal(parseDate('2024/01/31 13:45', 'yyyy/MM/dd HH:mm'), Date.UTC(2024, 0, 31, 13, 45));
    assert.equal(
      parseDate('24-02-29T01:02:03.456', "yy-MM-dd'T'HH:mm:ss.SSS"),
      Date.UTC(2024, 1, 29, 1, 2, 3, 456),
    );
  }
  assert.equal(parseDate('2024/13/01 00:00', 'yyyy/MM/dd HH:mm'), undefined, 'month 13');
  assert.equal(parseDate('2024-01-31', 'yyyy/MM/dd'), undefined, 'other separators');
  assert.equal(parseDate('2024/01/31', 'epoch_millis||yyyy/MM/dd'), Date.UTC(2024, 0, 31));
  assert.equal(formatDate(Date.UTC(2024, 0, 31), 'yyyy/MM/dd||epoch_millis'), '2024/01/31');
});

test('the ISO fast path agrees with Date.UTC on dates from year 1000 to 9999 (leap years, centuries)', () => {
  let checked = 0;
  // A step that is not a whole number of days, so times of day vary too.
  for (let t = Date.UTC(1000, 0, 1); t < Date.UTC(9999, 11, 31); t += 86_400_000 * 3.7 + 12_345) {
    const ms = Math.floor(t);
    const iso = new Date(ms).toISOString();
    assert.equal(parseDate(iso), ms, iso);
    assert.equal(parseDate(iso.replace(/\.\d{3}Z$/, 'Z')), Math.floor(ms / 1000) * 1000, iso);
    checked++;
  }
  assert.ok(checked > 800_000);
});
