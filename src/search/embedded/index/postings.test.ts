import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Postings, PostingsCursor } from './postings.js';

/** A seeded linear congruential generator, so a failure replays. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

type Entry = { doc: number; positions: number[] };

function build(entries: readonly Entry[]): Postings {
  const p = new Postings();
  for (const e of entries) for (const pos of e.positions) p.add(e.doc, pos);
  return p;
}

/** Random ascending docs (gaps up to `maxGap`), each with ascending positions. */
function randomEntries(rand: () => number, count: number, maxGap: number, maxFreq: number): Entry[] {
  const entries: Entry[] = [];
  let doc = -1;
  for (let i = 0; i < count; i++) {
    doc += 1 + Math.floor(rand() * maxGap);
    const freq = 1 + Math.floor(rand() * maxFreq);
    const positions: number[] = [];
    let pos = Math.floor(rand() * 300);
    for (let k = 0; k < freq; k++) {
      positions.push(pos);
      pos += 1 + Math.floor(rand() * (rand() < 0.05 ? 100_000 : 150));
    }
    entries.push({ doc, positions });
  }
  return entries;
}

function decodeAll(p: Postings, readEvery: number): Entry[] {
  const out: Entry[] = [];
  const cursor = new PostingsCursor(p);
  let positions = new Int32Array(4);
  let i = 0;
  while (cursor.next()) {
    // Some documents' positions are read, others skipped: both must leave the cursor in step.
    if (i++ % readEvery === 0) {
      if (cursor.freq > positions.length) positions = new Int32Array(cursor.freq);
      cursor.readPositions(positions);
      out.push({ doc: cursor.doc, positions: [...positions.subarray(0, cursor.freq)] });
    } else out.push({ doc: cursor.doc, positions: new Array(cursor.freq).fill(-1) });
  }
  assert.equal(cursor.exhausted, true);
  return out;
}

test('decodes what was added: docs, freqs and positions, reading some positions and skipping others', () => {
  const rand = seededRandom(11);
  for (const [count, maxGap, maxFreq] of [
    [1, 1, 1],
    [2000, 3, 4],
    [500, 100_000, 3],
    [50, 2, 40],
  ] as const) {
    const entries = randomEntries(rand, count, maxGap, maxFreq);
    const p = build(entries);
    assert.equal(p.docFreq, entries.length);
    for (const readEvery of [1, 3]) {
      const decoded = decodeAll(p, readEvery);
      assert.equal(decoded.length, entries.length);
      decoded.forEach((d, i) => {
        assert.equal(d.doc, entries[i]!.doc);
        if (d.positions[0] === -1) assert.equal(d.positions.length, entries[i]!.positions.length);
        else assert.deepEqual(d.positions, entries[i]!.positions);
      });
    }
  }
});

test('a frequency that needs a longer number keeps the positions after it (128 and 16384 occurrences)', () => {
  const entries: Entry[] = [
    { doc: 0, positions: [5] },
    { doc: 3, positions: Array.from({ length: 130 }, (_, k) => k * 2) },
    { doc: 4, positions: Array.from({ length: 16_400 }, (_, k) => 7 + k) },
    { doc: 200_000, positions: [1, 2] },
  ];
  const decoded = decodeAll(build(entries), 1);
  assert.deepEqual(decoded, entries);
});

test('advance moves to the first document at or after a target and reports the end', () => {
  const p = build([0, 10, 20, 30].map((doc) => ({ doc, positions: [doc % 7, 9] })));
  const cursor = new PostingsCursor(p);
  assert.equal(cursor.advance(11), true);
  assert.equal(cursor.doc, 20);
  assert.equal(cursor.advance(20), true);
  assert.equal(cursor.doc, 20);
  const positions = new Int32Array(2);
  cursor.readPositions(positions);
  assert.deepEqual([...positions], [6, 9]);
  assert.equal(cursor.advance(31), false);
  assert.equal(cursor.exhausted, true);
  assert.equal(cursor.advance(40), false);
});
