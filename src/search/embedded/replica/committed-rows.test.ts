import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParsedDocument } from '../mapping/document-parser.js';
import { IndexMapping, type LeafField } from '../mapping/index-mapping.js';
import { type CommittedRows, CommittedRowsPacker, forEachCommittedRow } from './committed-rows.js';

const writerMapping = IndexMapping.fromJson({
  properties: { title: { type: 'text' }, tag: { type: 'keyword' }, n: { type: 'long' } },
});
// The replica has its own copy of the mapping: fields are matched by path, not by object.
const readerMapping = IndexMapping.fromJson(writerMapping.toJson());

function parsed(values: Array<[string, string | number]>): ParsedDocument {
  return {
    fields: values.map(([path]) => writerMapping.fields.get(path) as LeafField),
    values: values.map(([, v]) => v),
    length: values.length,
    mappingChanged: false,
  };
}

interface Unpacked {
  seq: number;
  idx: number;
  id: string;
  version: number;
  sourceLength: number;
  values: Array<[string, string | number]> | null;
  missingField: boolean;
}

function unpack(chunks: CommittedRows[], mappingFor = (_idx: number) => readerMapping): Unpacked[] {
  const out: Unpacked[] = [];
  for (const chunk of chunks) {
    forEachCommittedRow(
      chunk,
      (idx, paths) => paths.map((p) => mappingFor(idx).fields.get(p)),
      (row, missingField) => {
        const doc = row.document;
        out.push({
          seq: row.seq,
          idx: row.idx,
          id: row.id,
          version: row.version,
          sourceLength: row.sourceLength,
          values:
            doc === null
              ? null
              : Array.from({ length: doc.length }, (_, i) => [doc.fields[i]!.path, doc.values[i]!]),
          missingField,
        });
      },
    );
  }
  return out;
}

test('committed rows travel with their parsed values, ids and tombstones, in order', () => {
  const chunks: CommittedRows[] = [];
  const packer = new CommittedRowsPacker((c) => chunks.push(c));
  packer.add(
    1,
    7,
    'a',
    1,
    parsed([
      ['title', 'Grüße aus 東京 🚀'],
      ['tag', 'x'],
      ['n', 42],
    ]),
    55,
  );
  packer.add(2, 7, 'ü-ß', 3, null, 0);
  packer.add(
    3,
    9,
    '',
    2,
    parsed([
      ['n', -1.5],
      ['n', 0],
      ['tag', ''],
    ]),
    20,
  );
  assert.equal(chunks.length, 0, 'a chunk is sent when full or flushed');
  packer.flush();
  packer.flush();
  assert.equal(chunks.length, 1, 'flushing an empty packer sends nothing');
  assert.deepEqual(unpack(chunks), [
    {
      seq: 1,
      idx: 7,
      id: 'a',
      version: 1,
      sourceLength: 55,
      values: [
        ['title', 'Grüße aus 東京 🚀'],
        ['tag', 'x'],
        ['n', 42],
      ],
      missingField: false,
    },
    { seq: 2, idx: 7, id: 'ü-ß', version: 3, sourceLength: 0, values: null, missingField: false },
    {
      seq: 3,
      idx: 9,
      id: '',
      version: 2,
      sourceLength: 20,
      values: [
        ['n', -1.5],
        ['n', 0],
        ['tag', ''],
      ],
      missingField: false,
    },
  ]);
});

test('a bulk is split into chunks that are sent as they fill, and a huge document gets its own', () => {
  const chunks: CommittedRows[] = [];
  const packer = new CommittedRowsPacker((c) => chunks.push(c));
  const big = 'word '.repeat(20_000);
  const many = Array.from({ length: 5000 }, (_, i): [string, number] => ['n', i]);
  for (let seq = 1; seq <= 1000; seq++) {
    if (seq === 500) packer.add(seq, 1, `id-${seq}`, 1, parsed([['title', big]]), big.length);
    else if (seq === 600) packer.add(seq, 1, `id-${seq}`, 1, parsed(many), 30_000);
    else packer.add(seq, 1, `id-${seq}`, 1, parsed([['tag', `t${seq}`]]), 10);
  }
  const sentBeforeFlush = chunks.length;
  assert.ok(sentBeforeFlush >= 3, `chunks go out while the bulk runs (${sentBeforeFlush} before flush)`);
  packer.flush();
  const rows = unpack(chunks);
  assert.deepEqual(
    rows.map((r) => r.seq),
    Array.from({ length: 1000 }, (_, i) => i + 1),
  );
  assert.equal(rows[499]!.values![0]![1], big);
  assert.deepEqual(rows[599]!.values, many);
  assert.deepEqual(rows[999]!.values, [['tag', 't1000']]);
});

test('a value whose field the reader does not know is reported, not silently dropped', () => {
  const chunks: CommittedRows[] = [];
  const packer = new CommittedRowsPacker((c) => chunks.push(c));
  packer.add(
    1,
    1,
    'a',
    1,
    parsed([
      ['title', 'x'],
      ['tag', 'y'],
    ]),
    10,
  );
  packer.flush();
  const partial = IndexMapping.fromJson({ properties: { tag: { type: 'keyword' } } });
  const [row] = unpack(chunks, () => partial);
  assert.equal(row!.missingField, true);
  assert.deepEqual(row!.values, [['tag', 'y']]);
});

test('a value equal to the one before it (a text field and its keyword) or to the id travels once', () => {
  const chunks: CommittedRows[] = [];
  const packer = new CommittedRowsPacker((c) => chunks.push(c));
  const agent = 'Mozilla/5.0 (X11; Linux x86_64) a long user agent';
  packer.add(
    1,
    1,
    'req-1',
    1,
    parsed([
      ['title', agent],
      ['tag', agent],
    ]),
    10,
  );
  packer.add(
    2,
    1,
    'req-2',
    1,
    parsed([
      ['title', 'other'],
      ['tag', 'req-2'],
    ]),
    10,
  );
  packer.flush();
  assert.equal(chunks.length, 1);
  assert.deepEqual(chunks[0]!.strings, ['req-1', agent, 'req-2', 'other']);
  assert.deepEqual(
    unpack(chunks).map((r) => [r.id, r.values]),
    [
      [
        'req-1',
        [
          ['title', agent],
          ['tag', agent],
        ],
      ],
      [
        'req-2',
        [
          ['title', 'other'],
          ['tag', 'req-2'],
        ],
      ],
    ],
  );
});
