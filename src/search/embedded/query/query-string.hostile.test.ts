import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDurationMs } from '../../../time/duration.js';
import { ManualClock } from '../../../time/manual-clock.js';
import { SearchEngineError } from '../../search-engine-error.js';
import { resolveDateMath } from './date-math.js';
import { MAX_CLAUSE_COUNT } from './query-limits.js';
import { parseQueryString } from './query-string-parser.js';

/**
 * Hostile input for the query-string parser, date math and durations: 1 MiB inputs of each
 * parser's special characters must finish with a clear answer (a parse or an ES error), never a
 * stack overflow or a backtracking search. `timeout` is a hang guard only, not a threshold.
 */
const MiB = 1 << 20;
const HANG_GUARD = { timeout: 120_000 };

const qs = (text: string) =>
  parseQueryString(text, {
    defaultFields: [{ field: 'message', boost: 1 }],
    defaultOperator: 'or',
    lenient: false,
  });

function answer(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof SearchEngineError) return e.type;
    if (e instanceof RangeError && !/call stack/.test(e.message)) return 'RangeError';
    throw e;
  }
}

describe('query_string on hostile input', () => {
  it('answers 1 MiB of each special character with a parse or an ES error', HANG_GUARD, () => {
    for (const unit of [
      '(',
      ')',
      '"',
      '\\',
      '[',
      '{',
      '*',
      '?',
      ':',
      '^',
      '~',
      '!',
      '+',
      '-',
      ' ',
      'a:',
      '[a ',
      'a^',
    ]) {
      const text = unit.repeat(Math.ceil(MiB / unit.length));
      const result = answer(() => qs(text));
      assert.ok(
        ['ok', 'parsing_exception', 'too_many_clauses'].includes(result),
        `${JSON.stringify(unit)}: ${result}`,
      );
    }
  });

  it('stops at the clause limit instead of building a query of 1 MiB of words', HANG_GUARD, () => {
    assert.equal(
      answer(() => qs('w AND '.repeat(MiB / 6))),
      'too_many_clauses',
    );
    assert.equal(
      answer(() => qs('"a" '.repeat(MiB / 4))),
      'too_many_clauses',
    );
    assert.equal(
      answer(() => qs('w '.repeat(MAX_CLAUSE_COUNT))),
      'ok',
    );
  });

  it('refuses groups nested deeper than the bool depth limit, also 1 MiB deep', HANG_GUARD, () => {
    assert.equal(
      answer(() => qs(`${'('.repeat(20)}a${')'.repeat(20)}`)),
      'ok',
    );
    const deep = answer(() => qs(`${'('.repeat(MiB)}a`));
    assert.equal(deep, 'parsing_exception');
    assert.match(
      (() => {
        try {
          qs(`${'('.repeat(21)}a${')'.repeat(21)}`);
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })(),
      /max_nested_depth/,
    );
  });

  it('quotes at most 1000 characters of the query in its error', () => {
    try {
      qs(`${'a'.repeat(MiB)} ~`);
      assert.fail('expected a refusal');
    } catch (e) {
      assert.ok(e instanceof SearchEngineError);
      assert.ok(e.reason.length < 1200, `reason of ${e.reason.length} characters`);
    }
  });
});

describe('date math and durations on hostile input', () => {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const math = (expression: string) => answer(() => resolveDateMath(expression, { clock, roundUp: false }));

  it('answers 1 MiB expressions with a value or a parse error', HANG_GUARD, () => {
    assert.equal(math(`now${'+1d'.repeat(MiB / 3)}`), 'ok');
    assert.equal(math(`now+${'1'.repeat(MiB)}`), 'parsing_exception');
    assert.equal(math(`2024-01-01||${'/d'.repeat(MiB / 2)}`), 'ok');
    for (const text of [
      '2'.repeat(MiB),
      `2024-01-01${' '.repeat(MiB)}x`,
      '|'.repeat(MiB),
      `now${'-'.repeat(MiB)}`,
    ]) {
      assert.ok(['parse_exception', 'parsing_exception'].includes(math(text)), text.slice(0, 20));
    }
  });

  it(
    'parses or refuses 1 MiB durations (a space run then junk was quadratic: 13 s at 64 KiB)',
    HANG_GUARD,
    () => {
      assert.equal(
        answer(() => parseDurationMs(`1${' '.repeat(MiB)}x`)),
        'RangeError',
      );
      assert.equal(
        answer(() => parseDurationMs(`${'1'.repeat(MiB)}.${'1'.repeat(MiB)}x`)),
        'RangeError',
      );
      assert.equal(parseDurationMs(`${' '.repeat(MiB)}10s${' '.repeat(MiB)}`), 10_000);
      try {
        parseDurationMs(`1${' '.repeat(MiB)}x`);
      } catch (e) {
        assert.ok((e as Error).message.length < 300, 'the message quotes a bounded prefix');
      }
    },
  );
});
