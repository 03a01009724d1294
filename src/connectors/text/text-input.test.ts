import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodedRecords } from './decoded-records.js';
import {
  type CsvOptionsInput,
  csvOptionsSchema,
  type FormatRecord,
  type TextFormat,
} from './format-config.js';
import { TextInput } from './text-input.js';

interface Rejected {
  position: number;
  reason: string;
  raw: string;
}

function input<F extends TextFormat>(format: F, csv: CsvOptionsInput = {}, maxLineBytes = 1000) {
  const rejected: Rejected[] = [];
  const records = new DecodedRecords<FormatRecord[F]>((position, reason, raw) =>
    rejected.push({ position, reason, raw }),
  );
  const text = new TextInput({ format, csv: csvOptionsSchema.parse(csv), maxLineBytes }, records);
  const drain = () => {
    const batch = records.take('test', 10_000);
    return batch
      ? { values: [...batch.values], positions: [...batch.positions] }
      : { values: [], positions: [] };
  };
  return { text, rejected, drain };
}

describe('TextInput with format lines', () => {
  it('yields every line as a string, positioned by line number', () => {
    const { text, drain } = input('lines');
    text.push(Buffer.from('a\n\nb\n'));
    assert.deepEqual(drain(), { values: ['a', '', 'b'], positions: [1, 2, 3] });
  });

  it('sends an over-long line to the dead letters with its position', () => {
    const { text, rejected, drain } = input('lines', {}, 4);
    text.push(Buffer.from('ok\ntoo long\nok2\n'));
    assert.deepEqual(drain(), { values: ['ok', 'ok2'], positions: [1, 3] });
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]?.position, 2);
    assert.match(rejected[0]?.reason ?? '', /8 bytes, longer than maxLineBytes/);
  });

  it('rejects an unfinished line when the input is abandoned', () => {
    const { text, rejected, drain } = input('lines');
    text.push(Buffer.from('done\nhalf a li'));
    text.abandon('connection reset in the middle of a line');
    assert.deepEqual(drain().values, ['done']);
    assert.deepEqual(rejected, [
      { position: 2, reason: 'connection reset in the middle of a line', raw: 'half a li' },
    ]);
  });
});

describe('TextInput with format ndjson', () => {
  it('parses each line as JSON, skips blank lines and dead-letters bad lines with position and reason', () => {
    const { text, rejected, drain } = input('ndjson');
    text.push(Buffer.from('{"a":1}\n\n  \n{"a":\n[1,2]\n"s"\n'));
    assert.deepEqual(drain(), { values: [{ a: 1 }, [1, 2], 's'], positions: [1, 5, 6] });
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]?.position, 4);
    assert.equal(rejected[0]?.raw, '{"a":');
    assert.match(rejected[0]?.reason ?? '', /^invalid JSON: /);
  });
});

describe('TextInput with format csv', () => {
  it('names fields from the header row and positions rows by their line', () => {
    const { text, drain } = input('csv');
    text.push(Buffer.from('id,name\r\n1,ann\r\n\r\n2,bob\r\n'));
    assert.deepEqual(drain(), {
      values: [
        { id: '1', name: 'ann' },
        { id: '2', name: 'bob' },
      ],
      positions: [2, 4],
    });
  });

  it('dead-letters a row with the wrong number of fields and keeps going', () => {
    const { text, rejected, drain } = input('csv');
    text.push(Buffer.from('a,b\n1,2\n1,2,3\n4\n5,6\n'));
    assert.deepEqual(drain().values, [
      { a: '1', b: '2' },
      { a: '5', b: '6' },
    ]);
    assert.deepEqual(
      rejected.map((r) => [r.position, r.raw, r.reason]),
      [
        [3, '1,2,3', 'expected 2 CSV fields (as in the header), got 3'],
        [4, '4', 'expected 2 CSV fields (as in the header), got 1'],
      ],
    );
  });

  it('reads quoted fields with delimiters, doubled quotes and newlines, even split across chunks', () => {
    const { text, drain } = input('csv');
    text.push(Buffer.from('id,text\n1,"a, ""quoted""\nsecond'));
    text.push(Buffer.from(' line"\n2,plain\n'));
    assert.deepEqual(drain(), {
      values: [
        { id: '1', text: 'a, "quoted"\nsecond line' },
        { id: '2', text: 'plain' },
      ],
      positions: [2, 4],
    });
  });

  it('rejects only the malformed row of a chunk, with csv-parse reason', () => {
    const { text, rejected, drain } = input('csv');
    text.push(Buffer.from('a,b\n1,2\n3,"x"y\n5,6\n'));
    assert.deepEqual(drain().values, [
      { a: '1', b: '2' },
      { a: '5', b: '6' },
    ]);
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]?.position, 3);
    assert.match(rejected[0]?.reason ?? '', /^invalid CSV: /);
  });

  it('rejects a quoted field left open at the end of the input', () => {
    const { text, rejected, drain } = input('csv');
    text.push(Buffer.from('a,b\n1,"open\nstill open\n'));
    text.finish();
    assert.deepEqual(drain().values, []);
    assert.deepEqual(
      rejected.map((r) => [r.position, r.raw]),
      [[2, '1,"open\nstill open']],
    );
  });

  it('uses given columns, with or without a header row to skip, and other delimiters', () => {
    const noHeader = input('csv', { header: false, columns: ['x', 'y'], delimiter: ';' });
    noHeader.text.push(Buffer.from('1;2\n'));
    assert.deepEqual(noHeader.drain().values, [{ x: '1', y: '2' }]);
    const replaced = input('csv', { columns: ['x', 'y'] });
    replaced.text.push(Buffer.from('a,b\n1,2\n'));
    assert.deepEqual(replaced.drain().values, [{ x: '1', y: '2' }]);
  });

  it('reads every header of its own input: a column named __proto__ becomes a plain field', () => {
    const { text, drain } = input('csv');
    text.push(Buffer.from('__proto__,b\n1,2\n'));
    const [row] = drain().values;
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    assert.deepEqual(Object.entries(row ?? {}), [
      ['__proto__', '1'],
      ['b', '2'],
    ]);
  });

  it('refuses options without any field names', () => {
    assert.throws(() => csvOptionsSchema.parse({ header: false }), /header: true or give columns/);
  });
});
