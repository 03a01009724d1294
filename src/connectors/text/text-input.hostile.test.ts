import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DecodedRecords } from './decoded-records.js';
import { csvOptionsSchema, type TextFormat } from './format-config.js';
import { TextInput } from './text-input.js';

/**
 * Hostile input for every text format (lines, NDJSON, CSV): 1 MiB of each format's special
 * characters, and random or mutated bytes (seeded fuzzing). Decoding must never throw: every
 * line becomes a record or a dead letter with its position, and the positions account for every
 * line. `timeout` is a hang guard only (the runs take well under a second), not a threshold.
 */
const MiB = 1 << 20;
const HANG_GUARD = { timeout: 120_000 };

function decodeAll(format: TextFormat, bytes: Uint8Array, chunkBytes = 65_536, maxLineBytes = 2 * MiB) {
  const rejected: number[] = [];
  const records = new DecodedRecords<unknown>((position) => rejected.push(position));
  const text = new TextInput({ format, csv: csvOptionsSchema.parse({}), maxLineBytes }, records);
  const accepted: number[] = [];
  const drain = () => {
    for (let b = records.take('t', 1_000_000); b !== undefined; b = records.take('t', 1_000_000))
      accepted.push(...b.positions);
  };
  for (let i = 0; i < bytes.length; i += chunkBytes) {
    text.push(bytes.subarray(i, i + chunkBytes));
    drain();
  }
  text.finish();
  drain();
  return { accepted, rejected };
}

describe('text formats on hostile input', () => {
  it('decodes 1 MiB of quotes, delimiters, brackets and newlines in every format', HANG_GUARD, () => {
    for (const format of ['lines', 'ndjson', 'csv'] as const) {
      for (const unit of ['"', ',', '\n', '\r\n', '[', '{"a":', '\\', ' ', '"\n', 'x"y,z\n', '\u00e9']) {
        const body = Buffer.from(`a,b\n${unit.repeat(Math.ceil(MiB / unit.length))}`);
        const { accepted, rejected } = decodeAll(format, body);
        // Blank lines are skipped by ndjson and csv; everything else is a record or a dead letter.
        const blank = /^[\r\n]+$/.test(unit) && format !== 'lines';
        assert.ok(accepted.length + rejected.length >= (blank ? 0 : 1), `${format} ${JSON.stringify(unit)}`);
      }
    }
  });

  it('gives up an unclosed CSV quote after maxLineBytes and decodes the lines after it', HANG_GUARD, () => {
    const lines = Math.floor(MiB / 3);
    const body = Buffer.from(`a,b\n"open${',x\n'.repeat(lines)}`);
    const { accepted, rejected } = decodeAll('csv', body, 65_536, 64 * 1024);
    assert.deepEqual(rejected, [2], 'the open record is one dead letter at the line it started on');
    // The record was dropped once it outgrew 64 KiB; every later line is a row of its own.
    assert.ok(accepted.length > lines - 64 * 1024, `${accepted.length} rows`);
    assert.equal(accepted[accepted.length - 1], lines + 1);
  });

  it('rejects a 1 MiB line of deeply nested JSON as one dead letter', HANG_GUARD, () => {
    const { accepted, rejected } = decodeAll('ndjson', Buffer.from(`${'['.repeat(MiB)}\n{"ok":1}\n`));
    assert.deepEqual({ accepted, rejected }, { accepted: [2], rejected: [1] });
  });

  it('never throws on random bytes, and every line is a record or a dead letter (fuzz)', () => {
    for (const format of ['lines', 'ndjson', 'csv'] as const) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (bytes, chunk) => {
          const { accepted, rejected } = decodeAll(format, bytes, chunk, 128);
          const positions = [...accepted, ...rejected];
          return positions.every((p) => Number.isInteger(p) && p >= 1);
        }),
        { seed: 11, numRuns: 500 },
      );
    }
  });

  it('turns mutated valid lines into records or dead letters, never a crash (fuzz)', () => {
    const valid = { ndjson: '{"status":200,"path":"/a"}', csv: '200,/a', lines: 'GET /a 200' } as const;
    for (const format of ['lines', 'ndjson', 'csv'] as const) {
      const mutation = fc.tuple(
        fc.nat({ max: 40 }),
        fc.constantFrom('"', ',', '{', '}', '\n', '\\', '\u0000', '\ud800', ' '),
      );
      fc.assert(
        fc.property(
          fc.array(fc.array(mutation, { maxLength: 4 }), { minLength: 1, maxLength: 20 }),
          (lines) => {
            const text = lines
              .map((edits) => {
                let line: string = valid[format];
                for (const [at, ch] of edits) line = line.slice(0, at) + ch + line.slice(at);
                return line;
              })
              .join('\n');
            const header = format === 'csv' ? 'status,path\n' : '';
            const { accepted, rejected } = decodeAll(format, Buffer.from(`${header}${text}\n`), 7);
            return accepted.length + rejected.length >= 1 || text.trim() === '';
          },
        ),
        { seed: 5, numRuns: 300 },
      );
    }
  });
});
