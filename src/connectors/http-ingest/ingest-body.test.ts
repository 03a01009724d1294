import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatOfContentType, IngestBodyParser } from './ingest-body.js';
import type { IngestEntry } from './ingest-queue.js';

/** Parses `body` fed in chunks of `chunkBytes` bytes; returns the entries in body order. */
function parse(body: string, contentType?: string, chunkBytes = 1 << 16, maxRecordBytes = 1 << 20) {
  const entries: IngestEntry[] = [];
  const parser = new IngestBodyParser(
    {
      record: (value, at) => entries.push({ at, value }),
      reject: (at, reason, raw) => entries.push({ at, reason, raw }),
    },
    maxRecordBytes,
    contentType,
  );
  const bytes = Buffer.from(body, 'utf8');
  for (let i = 0; i < bytes.length; i += chunkBytes) parser.push(bytes.subarray(i, i + chunkBytes));
  parser.finish();
  return { entries, format: parser.format };
}

const values = (entries: IngestEntry[]) =>
  entries.filter((e) => 'value' in e).map((e) => (e as { value: unknown }).value);
const rejects = (entries: IngestEntry[]) =>
  entries.filter((e) => 'reason' in e).map((e) => ({ at: e.at, reason: (e as { reason: string }).reason }));

describe('ingest body parser', () => {
  it('reads NDJSON line by line, skipping blank lines and rejecting bad ones by line number', () => {
    const { entries, format } = parse('{"a":1}\n\nnot json\n{"a":2}\r\n[1,2]\n{"a":', 'application/x-ndjson');
    assert.equal(format, 'ndjson');
    assert.deepEqual(values(entries), [{ a: 1 }, { a: 2 }, [1, 2]]);
    assert.deepEqual(
      rejects(entries).map((r) => r.at),
      [3, 6],
    );
    assert.match(rejects(entries)[0]?.reason ?? '', /^invalid JSON/);
    assert.deepEqual(
      entries.map((e) => e.at),
      [1, 3, 4, 5, 6],
    );
  });

  it('reads a JSON array element by element, rejecting only the bad elements by index', () => {
    const body = '[{"a":1}, {"a": bad}, "x,]{", [1,[2]], {"b":{"c":"]"}} ,, 7]';
    const { entries, format } = parse(body, 'application/json');
    assert.equal(format, 'json-array');
    assert.deepEqual(values(entries), [{ a: 1 }, 'x,]{', [1, [2]], { b: { c: ']' } }, 7]);
    assert.deepEqual(rejects(entries), [
      { at: 1, reason: rejects(entries)[0]?.reason as string },
      { at: 5, reason: 'empty array element' },
    ]);
    assert.match(rejects(entries)[0]?.reason ?? '', /^invalid JSON/);
  });

  it('gives the same records whatever the chunk boundaries, multi-byte characters included', () => {
    const body = '[{"name":"Zoë 🚀","n":1},{"name":"\\"quoted\\" ]","n":2}]';
    const whole = parse(body).entries;
    for (const chunkBytes of [1, 2, 3, 5, 7])
      assert.deepEqual(parse(body, undefined, chunkBytes).entries, whole);
    assert.deepEqual(values(whole), [
      { name: 'Zoë 🚀', n: 1 },
      { name: '"quoted" ]', n: 2 },
    ]);
  });

  it('chooses the format by Content-Type, else by the first byte of the body', () => {
    assert.equal(formatOfContentType('application/x-ndjson; charset=utf-8'), 'ndjson');
    assert.equal(formatOfContentType('application/json'), undefined);
    assert.equal(parse('  \n [1, 2]', 'application/json').format, 'json-array');
    assert.deepEqual(values(parse('{"one":1}', 'application/json').entries), [{ one: 1 }]);
    assert.deepEqual(values(parse('{"a":1}\n{"a":2}\n', 'application/x-www-form-urlencoded').entries), [
      { a: 1 },
      { a: 2 },
    ]);
    // With an NDJSON type a line that is an array is one record.
    assert.deepEqual(values(parse('[1,2]\n[3]', 'application/x-ndjson').entries), [[1, 2], [3]]);
    assert.deepEqual(parse('   ', undefined).entries, []);
    assert.deepEqual(values(parse('\uFEFF[{"bom":true}]').entries), [{ bom: true }]);
  });

  it('accepts an empty array and rejects an array cut off before its closing bracket', () => {
    assert.deepEqual(parse('[ ]').entries, []);
    const cut = parse('[1, 2, {"a":');
    assert.deepEqual(values(cut.entries), [1, 2]);
    assert.deepEqual(rejects(cut.entries), [
      { at: 2, reason: 'the body ended before the array was closed with ]' },
    ]);
    assert.deepEqual(rejects(parse('[1] x').entries), [
      { at: 1, reason: 'text after the closing ] of the array' },
    ]);
  });

  it('rejects a record longer than maxRecordBytes without keeping it', () => {
    const long = 'x'.repeat(100);
    const array = parse(`[1, "${long}", 3]`, undefined, 16, 50);
    assert.deepEqual(values(array.entries), [1, 3]);
    assert.match(
      rejects(array.entries)[0]?.reason ?? '',
      /element is 10\d bytes, longer than maxRecordBytes/,
    );
    const ndjson = parse(`1\n"${long}"\n3\n`, 'application/x-ndjson', 16, 50);
    assert.deepEqual(values(ndjson.entries), [1, 3]);
    assert.deepEqual(
      rejects(ndjson.entries).map((r) => r.at),
      [2],
    );
  });
});
