/**
 * The conformance suite every CheckpointStorage must pass (the local directory now, an index
 * later). It uses only the contract. Call it from a `*.test.ts` file:
 *
 *   checkpointStorageConformance('local directory', (o) => new LocalDirectoryStorage({ directory: fresh(), ...o }));
 *
 * `open` is called once per test and must return an empty storage.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Clock } from '../../core/clock.js';
import { HeapKeyedStateBackend } from '../../state/heap/heap-keyed-state-backend.js';
import { fullKeyGroupRange } from '../../state/key-groups.js';
import { valueState } from '../../state/state-descriptors.js';
import { ManualClock } from '../../time/manual-clock.js';
import type { CheckpointStorage } from '../checkpoint-storage.js';
import { keyedStatePartWriter, readKeyedStatePart } from '../keyed-state-part.js';

export type OpenCheckpointStorage = (options: {
  jobName: string;
  clock: Clock;
  retain: number;
}) => CheckpointStorage | Promise<CheckpointStorage>;

const bytes = (...values: number[]) => Uint8Array.from(values);

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

export function checkpointStorageConformance(name: string, open: OpenCheckpointStorage): void {
  describe(`CheckpointStorage conformance: ${name}`, () => {
    const clock = new ManualClock(1_764_600_000_000);
    const storage = () => open({ jobName: 'conformance job', clock, retain: 3 });

    test('reads back streamed and whole parts byte for byte, with a manifest naming them and their sizes', async () => {
      const s = await storage();
      const w = await s.begin(1);
      const big = await w.openPart('big.part');
      const expected: Buffer[] = [];
      for (let i = 0; i < 50; i++) {
        const chunk = Buffer.alloc(10_000 + i, i);
        expected.push(chunk);
        await big.write(chunk);
      }
      await big.close();
      await w.writePart('small', bytes(1, 2, 3));
      await w.writePart('empty', bytes());
      const manifest = await w.complete();
      assert.equal(manifest.formatVersion, 1);
      assert.equal(manifest.jobName, 'conformance job');
      assert.equal(manifest.checkpointId, 1);
      assert.equal(manifest.createdAtMs, clock.nowMs());
      assert.deepEqual(
        [...manifest.parts].sort((a, b) => a.name.localeCompare(b.name)),
        [
          { name: 'big.part', sizeBytes: Buffer.concat(expected).length },
          { name: 'empty', sizeBytes: 0 },
          { name: 'small', sizeBytes: 3 },
        ],
      );
      const r = await s.read(1);
      assert.deepEqual(r.manifest, manifest);
      assert.deepEqual(await collect(r.openPart('big.part')), Buffer.concat(expected));
      assert.deepEqual(Buffer.from(await r.readPart('small')), Buffer.from([1, 2, 3]));
      assert.equal((await r.readPart('empty')).length, 0);
      await assert.rejects(r.readPart('missing'), /has no part "missing"/);
      assert.deepEqual(await s.latest(), manifest);
    });

    test('writes several parts of one checkpoint at the same time', async () => {
      const s = await storage();
      const w = await s.begin(1);
      const parts = await Promise.all(['a', 'b', 'c'].map((n) => w.openPart(n)));
      for (let i = 0; i < 20; i++) await Promise.all(parts.map((p, j) => p.write(bytes(i, j))));
      await Promise.all(parts.map((p) => p.close()));
      await w.complete();
      const r = await s.read(1);
      assert.deepEqual([...(await r.readPart('b'))].slice(0, 6), [0, 1, 1, 1, 2, 1]);
    });

    test('never shows a checkpoint that was begun but not completed, or aborted', async () => {
      const s = await storage();
      const w = await s.begin(1);
      await w.writePart('p', bytes(1));
      assert.equal(await s.latest(), undefined);
      assert.deepEqual(await s.list(), []);
      await assert.rejects(s.read(1), /no completed checkpoint 1/);
      await w.abort();
      await assert.rejects(w.writePart('q', bytes(2)), /already completed or aborted/);
      const again = await s.begin(1);
      await again.writePart('p', bytes(9));
      await again.complete();
      assert.deepEqual([...(await (await s.read(1)).readPart('p'))], [9]);
    });

    test('latest is the highest completed id and list is ascending', async () => {
      const s = await storage();
      for (const id of [1, 2, 5]) {
        clock.advance(1000);
        await (await s.begin(id)).complete();
      }
      const inFlight = await s.begin(6);
      assert.equal((await s.latest())?.checkpointId, 5);
      assert.deepEqual(
        (await s.list()).map((m) => m.checkpointId),
        [1, 2, 5],
      );
      await inFlight.abort();
    });

    test('keeps the last three completed checkpoints and deletes older ones', async () => {
      const s = await storage();
      for (let id = 1; id <= 5; id++) {
        const w = await s.begin(id);
        await w.writePart('p', bytes(id));
        await w.complete();
      }
      assert.deepEqual(
        (await s.list()).map((m) => m.checkpointId),
        [3, 4, 5],
      );
      await assert.rejects(s.read(2), /no completed checkpoint 2/);
      assert.deepEqual([...(await (await s.read(3)).readPart('p'))], [3]);
    });

    test('discards a checkpoint, and discarding an absent one is a no-op', async () => {
      const s = await storage();
      await (await s.begin(1)).complete();
      await (await s.begin(2)).complete();
      await s.discard(2);
      await s.discard(2);
      await s.discard(77);
      assert.equal((await s.latest())?.checkpointId, 1);
    });

    test('refuses bad or stale ids and an id already being written', async () => {
      const s = await storage();
      for (const bad of [0, -1, 1.5, Number.NaN]) await assert.rejects(s.begin(bad), /positive integer/);
      await (await s.begin(3)).complete();
      await assert.rejects(s.begin(3), /greater than the latest completed one \(3\)/);
      await assert.rejects(s.begin(2), /greater than the latest completed one/);
      const w = await s.begin(4);
      await assert.rejects(s.begin(4), /already being written/);
      await w.abort();
    });

    test('refuses bad and duplicate part names, unclosed parts at completion, and writes after it', async () => {
      const s = await storage();
      const w = await s.begin(1);
      for (const bad of ['', '../x', 'a/b', 'manifest.json', '..', 'x'.repeat(201)])
        await assert.rejects(w.openPart(bad), /part name/);
      await w.writePart('p', bytes(1));
      await assert.rejects(w.writePart('p', bytes(2)), /already has a part "p"/);
      const open = await w.openPart('open');
      await assert.rejects(w.complete(), /parts not closed: open/);
      await open.close();
      await w.complete();
      await assert.rejects(w.writePart('late', bytes(1)), /already completed or aborted/);
      await assert.rejects(w.complete(), /already completed or aborted/);
    });

    test('a keyed-state snapshot streams into a part and restores from it', async () => {
      const s = await storage();
      const range = fullKeyGroupRange(128);
      const b = new HeapKeyedStateBackend(range, 128, clock);
      const v = b.getValueState(valueState<number>('v'));
      for (let i = 0; i < 5000; i++) {
        b.setCurrentKey(`k${i}`);
        v.update(i);
      }
      b.getNamespacedState<number>('ns').set(Number.NEGATIVE_INFINITY, Number.NaN);
      const w = await s.begin(1);
      await b.snapshotTo(keyedStatePartWriter(await w.openPart('op-1.keyed')), { maxRowsPerChunk: 100 });
      await w.complete();

      const r = await s.read(1);
      const { header, chunks } = await readKeyedStatePart(r.openPart('op-1.keyed'));
      const restored = new HeapKeyedStateBackend(range, 128, clock);
      await restored.restoreFrom(header, chunks);
      const v2 = restored.getValueState(valueState<number>('v'));
      restored.setCurrentKey('k4321');
      assert.equal(v2.value(), 4321);
      assert.equal(restored.keyCount('v'), 5000);
      restored.setCurrentKey('k4999');
      assert.ok(Number.isNaN(restored.getNamespacedState<number>('ns').get(Number.NEGATIVE_INFINITY)));
    });
  });
}
