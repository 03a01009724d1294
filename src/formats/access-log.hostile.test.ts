import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidRecordError } from '../core/errors.js';
import { parseAccessLogLine } from './access-log.js';

/**
 * Hostile input for the access-log parser. The 1 MiB cases must simply finish with the right
 * answer: the parser is a linear scan, so they take milliseconds; the test's `timeout` is only a
 * hang guard (far above any real run), not a performance threshold.
 */
const MiB = 1 << 20;
const HANG_GUARD = { timeout: 120_000 };
const HEAD = '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 12';

/** The single RegExp the parser used before (quadratic on some tails), as the reference on short lines. */
const OLD_LINE = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\d+|-)(?: "([^"]*)" "([^"]*)"?)?\s*$/;

function outcome(line: string): string {
  try {
    const e = parseAccessLogLine(line);
    return `${e.ip}|${e.referrer}|${e.userAgent}|${e.bytes}`;
  } catch (e) {
    if (e instanceof InvalidRecordError) return 'rejected';
    throw e;
  }
}

describe('access-log parser on hostile input', () => {
  it(
    'rejects a user agent of 1 MiB of spaces followed by "x (the reproduced quadratic case)',
    HANG_GUARD,
    () => {
      for (const n of [60_000, 240_000, MiB]) {
        assert.equal(outcome(`${HEAD} "-" "${' '.repeat(n)}"x`), 'rejected');
      }
    },
  );

  it('parses a 1 MiB user agent, closed or truncated, and 1 MiB of trailing spaces', HANG_GUARD, () => {
    const agent = 'M'.repeat(MiB);
    assert.equal(outcome(`${HEAD} "ref" "${agent}"`), `1.2.3.4|ref|${agent}|12`);
    assert.equal(outcome(`${HEAD} "ref" "${agent}`), `1.2.3.4|ref|${agent}|12`);
    assert.equal(outcome(`${HEAD}${' '.repeat(MiB)}`), '1.2.3.4|-|-|12');
  });

  it('rejects 1 MiB lines of quotes, brackets, digits or no spaces at all', HANG_GUARD, () => {
    for (const line of [
      '"'.repeat(MiB),
      `${HEAD} ${'"'.repeat(MiB)}`,
      `1.2.3.4 - - [${'['.repeat(MiB)}`,
      `1.2.3.4 - - [17/May/2015:10:05:03 +0000] "${'x '.repeat(MiB / 2)}`,
      `${HEAD.slice(0, -2)}${'1'.repeat(MiB)}x`,
      'a'.repeat(MiB),
      ' '.repeat(MiB),
    ]) {
      assert.equal(outcome(line), 'rejected');
    }
  });

  it('accepts exactly the lines the old RegExp accepted, with the same fields (random short tails)', () => {
    const tail = fc
      .array(fc.constantFrom(' ', '"', 'x', '-', '\t', '1'), { maxLength: 14 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(tail, (t) => {
        const line = `${HEAD}${t}`;
        const m = OLD_LINE.exec(line);
        const expected =
          m === null
            ? 'rejected'
            : `1.2.3.4|${m[8] ?? '-'}|${m[9] ?? '-'}|${m[7] === '-' ? 0 : Number(m[7])}`;
        return outcome(line) === expected;
      }),
      { seed: 42, numRuns: 5000 },
    );
  });

  it('never fails with anything but a rejection on random lines (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 60 }), (a, b) => {
        const result = outcome(`${a}${HEAD}${b}`);
        return typeof result === 'string';
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});
