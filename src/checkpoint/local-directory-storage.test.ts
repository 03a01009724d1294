import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ManualClock } from '../time/manual-clock.js';
import { checkpointStorageConformance } from './conformance/checkpoint-storage-conformance.js';
import { decodeRecords, encodeRecord } from './framed-records.js';
import { readKeyedStatePart } from './keyed-state-part.js';
import { LocalDirectoryStorage } from './local-directory-storage.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-checkpoints-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `storage-${n++}`);

checkpointStorageConformance(
  'local directory',
  (o) => new LocalDirectoryStorage({ directory: fresh(), ...o }),
);

describe('local directory checkpoint storage', () => {
  const clock = new ManualClock(1000);

  it('lays a completed checkpoint out as chk-<20-digit id>/ with manifest.json and one file per part', async () => {
    const directory = fresh();
    const s = new LocalDirectoryStorage({ directory, jobName: 'weblogs', clock });
    const w = await s.begin(42);
    await w.writePart('op.keyed', Buffer.from('abc'));
    await w.complete();
    assert.deepEqual(readdirSync(directory), ['chk-00000000000000000042']);
    const folder = join(directory, 'chk-00000000000000000042');
    assert.deepEqual(readdirSync(folder).sort(), ['manifest.json', 'op.keyed']);
    assert.deepEqual(JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')), {
      formatVersion: 1,
      jobName: 'weblogs',
      checkpointId: 42,
      createdAtMs: 1000,
      parts: [{ name: 'op.keyed', sizeBytes: 3 }],
    });
  });

  it('survives a crash mid-write: the half-written checkpoint is never latest, and the next begin cleans it up', async () => {
    const directory = fresh();
    const before = new LocalDirectoryStorage({ directory, jobName: 'j', clock });
    await (await before.begin(1)).complete();
    const crashed = await before.begin(2);
    await crashed.writePart('half', Buffer.alloc(1000, 7));
    // The process dies here: no complete(), no abort(). A new process opens the directory.
    const after = new LocalDirectoryStorage({ directory, jobName: 'j', clock });
    assert.equal((await after.latest())?.checkpointId, 1);
    assert.ok(readdirSync(directory).some((f) => f.startsWith('.inprogress-chk-2-')));
    await (await after.begin(2)).complete();
    assert.deepEqual(readdirSync(directory).sort(), ['chk-00000000000000000001', 'chk-00000000000000000002']);
  });

  it('closes the files of parts left open when a checkpoint is aborted (a snapshot that failed mid-part)', async () => {
    const directory = fresh();
    const s = new LocalDirectoryStorage({ directory, jobName: 'weblogs', clock });
    const w = await s.begin(1);
    const part = await w.openPart('op.keyed');
    await part.write(Buffer.from('half'));
    await w.abort();
    // The part's file handle is closed: writing through it now fails instead of leaking a descriptor.
    await assert.rejects(part.write(Buffer.from('more')), /closed|EBADF/i);
    assert.equal(await s.latest(), undefined);
  });

  it('ignores a checkpoint folder without a readable manifest', async () => {
    const directory = fresh();
    const s = new LocalDirectoryStorage({ directory, jobName: 'j', clock });
    await (await s.begin(1)).complete();
    mkdirSync(join(directory, 'chk-00000000000000000009'));
    mkdirSync(join(directory, 'chk-00000000000000000010'));
    writeFileSync(join(directory, 'chk-00000000000000000010', 'manifest.json'), '{"formatVersion": 1, "tor');
    assert.equal((await s.latest())?.checkpointId, 1);
    await assert.rejects(s.read(9), /no completed checkpoint 9/);
  });

  it('sees the checkpoints of an earlier process and keeps its retention', async () => {
    const directory = fresh();
    const first = new LocalDirectoryStorage({ directory, jobName: 'j', clock, retain: 2 });
    for (const id of [1, 2]) await (await first.begin(id)).complete();
    const second = new LocalDirectoryStorage({ directory, jobName: 'j', clock, retain: 2 });
    assert.deepEqual(
      (await second.list()).map((m) => m.checkpointId),
      [1, 2],
    );
    await (await second.begin(3)).complete();
    assert.deepEqual(
      (await second.list()).map((m) => m.checkpointId),
      [2, 3],
    );
  });

  it('refuses a retain below one', () => {
    assert.throws(
      () => new LocalDirectoryStorage({ directory: fresh(), jobName: 'j', clock, retain: 0 }),
      /retain must be an integer >= 1/,
    );
  });
});

describe('framed v8 records', () => {
  it('round-trips values JSON cannot carry, from bytes split at every offset', async () => {
    const values = [
      { a: Number.NaN, b: Number.NEGATIVE_INFINITY },
      new Map([[1, 'x']]),
      undefined,
      [1, 'two'],
    ];
    const bytes = Buffer.concat(values.map((v) => encodeRecord(v)));
    for (const size of [1, 3, 7, bytes.length]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
      const out: unknown[] = [];
      for await (const v of decodeRecords(pieces)) out.push(v);
      assert.deepEqual(out, values, `split every ${size} bytes`);
    }
  });

  it('refuses a stream cut inside a record', async () => {
    const bytes = encodeRecord({ x: 1 });
    await assert.rejects(async () => {
      for await (const _ of decodeRecords([bytes.subarray(0, bytes.length - 1)])) {
      }
    }, /ends inside a record/);
  });

  it('refuses a keyed-state part without its end marker', async () => {
    const header = encodeRecord({
      kind: 'sluice.keyed-state',
      header: { formatVersion: 1, maxParallelism: 128 },
    });
    const { chunks } = await readKeyedStatePart(
      (async function* () {
        yield Buffer.concat([header, encodeRecord([])]);
      })(),
    );
    await assert.rejects(async () => {
      for await (const _ of chunks) {
      }
    }, /cut short after 1 chunks/);
    await assert.rejects(
      readKeyedStatePart(
        (async function* () {
          yield encodeRecord({ something: 'else' });
        })(),
      ),
      /not a keyed-state snapshot/,
    );
  });
});
