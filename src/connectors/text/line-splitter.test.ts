import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LineHandler, LineSplitter } from './line-splitter.js';

interface Seen {
  lines: Array<[number, string]>;
  overlong: Array<[number, number, string]>;
}

function splitter(maxLineBytes = 1000, firstLine = 1): { splitter: LineSplitter; seen: Seen } {
  const seen: Seen = { lines: [], overlong: [] };
  const handler: LineHandler = {
    line: (text, n) => seen.lines.push([n, text]),
    overlong: (n, bytes, preview) => seen.overlong.push([n, bytes, preview]),
  };
  return { splitter: new LineSplitter(handler, maxLineBytes, firstLine), seen };
}

describe('LineSplitter', () => {
  it('numbers lines from 1 and accepts both \\n and \\r\\n endings', () => {
    const { splitter: s, seen } = splitter();
    s.push(Buffer.from('a\r\nb\n\nc'));
    assert.deepEqual(seen.lines, [
      [1, 'a'],
      [2, 'b'],
      [3, ''],
    ]);
    s.finish();
    assert.deepEqual(seen.lines.at(-1), [4, 'c']);
  });

  it('joins a line split across chunks, including a multi-byte character cut in half', () => {
    const { splitter: s, seen } = splitter();
    const bytes = Buffer.from('héllo wörld\r\nnext\n');
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
    assert.deepEqual(seen.lines, [
      [1, 'héllo wörld'],
      [2, 'next'],
    ]);
  });

  it('keeps its own copy of a partial line, so callers may reuse their chunk buffer', () => {
    const { splitter: s, seen } = splitter();
    const buffer = Buffer.from('abc');
    s.push(buffer);
    buffer.write('xyz');
    s.push(Buffer.from('\n'));
    assert.deepEqual(seen.lines, [[1, 'abc']]);
  });

  it('reports an over-long line with its length and a preview, then carries on with the next line', () => {
    const { splitter: s, seen } = splitter(10);
    s.push(Buffer.from('0123456789'));
    s.push(Buffer.from('abcdef'));
    s.push(Buffer.from('ghij\nshort\n'));
    assert.deepEqual(seen.overlong, [[1, 20, '0123456789abcdef']]);
    assert.deepEqual(seen.lines, [[2, 'short']]);
  });

  it('accepts a line of exactly maxLineBytes, also when its \\r\\n arrives in the next chunk', () => {
    const { splitter: s, seen } = splitter(5);
    s.push(Buffer.from('12345\r'));
    s.push(Buffer.from('\n123456\n'));
    assert.deepEqual(seen.lines, [[1, '12345']]);
    assert.deepEqual(
      seen.overlong.map(([n, bytes]) => [n, bytes]),
      [[2, 6]],
    );
  });

  it('drops a byte-order mark at the start of the first line only', () => {
    const { splitter: s, seen } = splitter();
    s.push(Buffer.from('\uFEFFid,name\n\uFEFFx\n'));
    assert.deepEqual(seen.lines, [
      [1, 'id,name'],
      [2, '\uFEFFx'],
    ]);
  });

  it('continues numbering from firstLineNumber, and a discarded unfinished line keeps its number', () => {
    const { splitter: s, seen } = splitter(1000, 41);
    s.push(Buffer.from('one\npart'));
    assert.equal(s.pendingBytes, 4);
    assert.equal(s.discardPending(), 'part');
    assert.equal(s.discardPending(), undefined);
    s.push(Buffer.from('two\n'));
    assert.deepEqual(seen.lines, [
      [41, 'one'],
      [43, 'two'],
    ]);
  });
});
