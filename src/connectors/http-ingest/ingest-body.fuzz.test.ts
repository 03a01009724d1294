import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IngestBodyParser } from './ingest-body.js';
import type { IngestEntry } from './ingest-queue.js';

/**
 * Seeded fuzzing of the ingest body parser: well-formed arrays and NDJSON in random chunkings give
 * exactly their values; arrays with bad elements reject exactly those, by index; arbitrary bytes
 * never throw and never yield a record that is not JSON. Bounded in count by the seeds.
 */

function parse(bytes: Uint8Array, cuts: readonly number[], contentType?: string): IngestEntry[] {
  const entries: IngestEntry[] = [];
  const parser = new IngestBodyParser(
    {
      record: (value, at) => entries.push({ at, value }),
      reject: (at, reason, raw) => entries.push({ at, reason, raw }),
    },
    1 << 20,
    contentType,
  );
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    parser.push(bytes.subarray(from, p));
    from = p;
  }
  parser.finish();
  return entries;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const cuts = fc.array(fc.nat(), { maxLength: 8 });
/** JSON values as JSON.stringify and JSON.parse round-trip them (no -0). */
const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const whitespace = fc.constantFrom('', ' ', '\n', '\t', ' \r\n ');

describe('ingest body parser fuzz', () => {
  it('reads every element of a well-formed array, however the body is chunked', () => {
    fc.assert(
      fc.property(fc.array(json, { maxLength: 20 }), whitespace, cuts, (items, ws, at) => {
        const body = `${ws}[${ws}${items.map((v) => JSON.stringify(v)).join(`${ws},${ws}`)}${ws}]${ws}`;
        const entries = parse(utf8(body), at, 'application/json');
        assert.deepEqual(
          entries,
          items.map((value, i) => ({ at: i, value })),
        );
      }),
      { seed: 41, numRuns: 300 },
    );
  });

  it('reads every line of well-formed NDJSON, however the body is chunked', () => {
    fc.assert(
      fc.property(fc.array(json, { maxLength: 20 }), fc.constantFrom('\n', '\r\n'), cuts, (items, nl, at) => {
        const body = items.map((v) => JSON.stringify(v)).join(nl);
        const entries = parse(utf8(body), at, 'application/x-ndjson');
        assert.deepEqual(
          entries,
          items.map((value, i) => ({ at: i + 1, value })),
        );
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('rejects exactly the bad elements of an array and keeps the rest', () => {
    const bad = fc.stringMatching(/^[a-z]{1,6}$/).filter((s) => !['true', 'false', 'null'].includes(s));
    const item = fc.oneof(
      json.map((value) => ({ good: true as const, value })),
      bad.map((text) => ({ good: false as const, text })),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), cuts, (items, at) => {
        const body = `[${items.map((i) => (i.good ? JSON.stringify(i.value) : i.text)).join(',')}]`;
        const entries = parse(utf8(body), at);
        assert.equal(entries.length, items.length);
        items.forEach((it, i) => {
          const entry = entries[i] as IngestEntry;
          assert.equal(entry.at, i);
          if (it.good) assert.deepEqual(entry, { at: i, value: it.value });
          else assert.ok('reason' in entry && entry.raw === it.text, JSON.stringify(entry));
        });
      }),
      { seed: 43, numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes and only yields JSON records, in increasing positions', () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.string({ maxLength: 200 }).map(utf8),
      fc.string({ maxLength: 200 }).map((s) => utf8(`[${s}]`)),
    );
    fc.assert(
      fc.property(body, cuts, fc.constantFrom(undefined, 'application/x-ndjson'), (bytes, at, type) => {
        const entries = parse(bytes, at, type);
        assert.ok(entries.length <= bytes.length + 1);
        for (let i = 1; i < entries.length; i++)
          assert.ok((entries[i] as IngestEntry).at > (entries[i - 1] as IngestEntry).at);
        for (const e of entries) if ('value' in e) JSON.stringify(e.value);
      }),
      { seed: 44, numRuns: 500 },
    );
  });
});
