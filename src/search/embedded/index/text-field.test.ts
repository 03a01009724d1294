import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../analysis/standard-analyzer.js';
import { PostingsCursor } from './postings.js';
import { TextField } from './text-field.js';

/** Every (doc, positions) of `term`'s postings. */
function occurrences(field: TextField, term: string): Array<[number, number[]]> {
  const p = field.postingsOf(term);
  if (p === undefined) return [];
  const out: Array<[number, number[]]> = [];
  const cursor = new PostingsCursor(p);
  while (cursor.next()) {
    const positions = new Int32Array(cursor.freq);
    cursor.readPositions(positions);
    out.push([cursor.doc, [...positions]]);
  }
  return out;
}

test('indexes what the analyzer says: ASCII spans, mixed case, Unicode and over-long tokens', () => {
  const long = `A${'b'.repeat(300)}`;
  const values = ['GET /Users/42 get', 'Grüße aus Köln, GET', `x ${long} y`, 'get'];
  const field = new TextField();
  for (const [doc, v] of values.entries()) field.addValue(doc, v);
  // The analyzer is the reference for which terms each value has, in order.
  const expected = new Map<string, Array<[number, number[]]>>();
  for (const [doc, v] of values.entries()) {
    for (const [position, term] of analyze(v).entries()) {
      const list = expected.get(term) ?? [];
      const last = list[list.length - 1];
      if (last?.[0] === doc) last[1].push(position);
      else list.push([doc, [position]]);
      expected.set(term, list);
    }
  }
  assert.ok(expected.has('get') && expected.has('grüße') && expected.has(long.toLowerCase().slice(0, 255)));
  const seen: string[] = [];
  field.forEachTerm((term) => seen.push(term));
  assert.deepEqual(seen.sort(), [...expected.keys()].sort());
  for (const [term, list] of expected) assert.deepEqual(occurrences(field, term), list, term);
  assert.deepEqual(occurrences(field, 'GET'), [], 'terms are stored lowercased');
  assert.equal(field.docCount, 4);
});

test('a repeated value (analysis cache) and a second value of a document keep positions right', () => {
  const field = new TextField();
  field.addValue(0, 'Mozilla Firefox');
  field.addValue(1, 'Mozilla Firefox');
  field.addValue(1, 'firefox');
  assert.deepEqual(occurrences(field, 'firefox'), [
    [0, [1]],
    [1, [1, 102]], // as in Lucene: last position + gap 100 + 1
  ]);
  assert.deepEqual(occurrences(field, 'mozilla'), [
    [0, [0]],
    [1, [0]],
  ]);
});
