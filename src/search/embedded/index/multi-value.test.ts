import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeywordColumn, MULTI } from './keyword-column.js';
import { NumericColumn } from './numeric-column.js';

test('a numeric document with many values keeps them all, sorted, its minimum in values, maximum for descending sorts', () => {
  const column = new NumericColumn();
  column.addValue(0, 5);
  const many = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_007);
  for (const v of many) column.addValue(1, v);
  column.addValue(2, 3);
  column.addValue(2, -1);
  assert.deepEqual(
    [...column.multi.get(1)!],
    [...many].sort((a, b) => a - b),
  );
  assert.equal(column.valueAt(1), Math.min(...many));
  assert.equal(column.sortValue(1, true), Math.max(...many));
  assert.deepEqual([...column.multi.get(2)!], [-1, 3]);
  assert.equal(column.multi.has(0), false);
  const seen: number[] = [];
  column.forEachValue(2, (v) => seen.push(v));
  assert.deepEqual(seen, [-1, 3]);
});

test('a keyword document with many values keeps each distinct one once, in first-seen order', () => {
  const column = new KeywordColumn();
  column.addValue(0, 'a');
  column.addValue(0, 'a');
  const tags = Array.from({ length: 5000 }, (_, i) => `tag-${i % 2500}`);
  for (const t of tags) column.addValue(1, t);
  column.addValue(2, 'x');
  column.addValue(2, 'y');
  column.addValue(2, 'x');
  assert.equal(column.ords[0], column.ordOf('a'));
  assert.equal(column.ords[1], MULTI);
  const terms = (doc: number) => {
    const out: string[] = [];
    column.forEachOrd(doc, (ord) => out.push(column.terms[ord]!));
    return out;
  };
  assert.deepEqual(terms(1), tags.slice(0, 2500));
  assert.deepEqual(terms(2), ['x', 'y']);
});
