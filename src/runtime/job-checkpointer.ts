import {
  CheckpointError,
  type CheckpointManifest,
  type CheckpointStorage,
  type CheckpointWriter,
} from '../checkpoint/checkpoint-storage.js';
import { decodeRecords, encodeRecord } from '../checkpoint/framed-records.js';
import { keyedStatePartWriter, readKeyedStatePart } from '../checkpoint/keyed-state-part.js';
import {
  CollectingSnapshotWriter,
  type KeyedStateSnapshot,
  type KeyedStateSnapshotWriter,
} from '../state/keyed-state-snapshot.js';
import type { JobSnapshot, OperatorSnapshot } from './job-snapshot.js';

/**
 * Writes a job's snapshots into a CheckpointStorage and reads them back. A checkpoint is:
 *   part `job`: one framed v8 record (`framed-records.ts`), the JobSnapshot with each keyed
 *     operator's `keyed` left out and `keyedParts: string[]` naming where its state went;
 *   parts `keyed-<n>-<i>`: the keyed state of instance i of the n-th keyed operator, streamed by
 *     its backend as it is written (`keyed-state-part.ts`), so a large state never sits whole in
 *     memory on the way out.
 * Part names are made up here (operator ids may hold characters part names refuse); the `job`
 * part maps them back. Reading merges an operator's instance parts into one KeyedStateSnapshot,
 * so a restore may use another parallelism (keyed state is regrouped by key group).
 */

export interface CheckpointOptions {
  /** Where checkpoints go; a function gets the job's name (one storage per job of a pipeline). */
  readonly storage: CheckpointStorage | ((jobName: string) => CheckpointStorage);
  /** Take a checkpoint this often while the job runs; without it only `JobClient.checkpoint()` takes them. */
  readonly intervalMs?: number;
  /**
   * `latest`: a run starts from the latest completed checkpoint in the storage when there is one
   * (a restart after a crash continues where the last checkpoint left off); `none` (default): a
   * run starts afresh unless given `restoreFrom`, which always wins.
   */
  readonly resume?: 'latest' | 'none';
}

/** What the runtime gives the checkpointer. */
export interface CheckpointHost {
  /** Runs `action` at the job's next message boundary (the job waits for it). */
  atBoundary<T>(action: () => Promise<T>): Promise<T>;
  /**
   * At a boundary: flushes the sinks and takes the cut, streaming keyed state to `writerFor`
   * afterwards; `done` resolves once all of it was written.
   */
  beginCut(
    writerFor: (operatorId: string, instance: number) => KeyedStateSnapshotWriter,
  ): Promise<{ readonly done: Promise<JobSnapshot> }>;
  /** Tells readers and writers that `checkpointId` is durable. */
  notify(checkpointId: number, snapshot: JobSnapshot): Promise<void>;
}

interface StoredOperatorSnapshot extends OperatorSnapshot {
  readonly keyedParts?: readonly string[];
}

const JOB_PART = 'job';

export class JobCheckpointer {
  private lastId: number | undefined;
  /** Checkpoints run one after the other; a second request waits for the first. */
  private chain: Promise<unknown> = Promise.resolve();
  private busy = false;

  constructor(readonly storage: CheckpointStorage) {}

  /**
   * Begins the next checkpoint at the next message boundary (before the job reads on), takes the
   * cut there, streams it into the storage and completes it; then `notify` runs (readers commit
   * offsets, two-phase sinks commit). A failure aborts the checkpoint: it never becomes visible,
   * `notify` is not called, and its id is used again by the next one.
   */
  take(host: CheckpointHost): Promise<CheckpointManifest> {
    // The first request asks for the boundary at once (so a job about to end still gets it);
    // a request while one runs waits for it to settle.
    const next = this.busy ? this.chain.then(() => this.takeNow(host)) : this.takeNow(host);
    this.busy = true;
    const settled = next.catch(() => {});
    this.chain = settled;
    void settled.then(() => {
      if (this.chain === settled) this.busy = false;
    });
    return next;
  }

  private async takeNow(host: CheckpointHost): Promise<CheckpointManifest> {
    let writer: CheckpointWriter | undefined;
    try {
      const keyedParts = new Map<string, string[]>();
      const opening: Promise<unknown>[] = [];
      const { done, checkpointId } = await host.atBoundary(async () => {
        this.lastId ??= (await this.storage.latest())?.checkpointId ?? 0;
        const checkpointId = this.lastId + 1;
        const begun = await this.storage.begin(checkpointId);
        writer = begun;
        const writerFor = (operatorId: string, instance: number): KeyedStateSnapshotWriter => {
          let names = keyedParts.get(operatorId);
          if (names === undefined) keyedParts.set(operatorId, (names = []));
          const name = `keyed-${[...keyedParts.keys()].indexOf(operatorId)}-${instance}`;
          names[instance] = name;
          return lazyPartWriter(begun, name, opening);
        };
        const cut = await host.beginCut(writerFor);
        return { done: cut.done, checkpointId };
      });
      const snapshot = await done;
      await Promise.all(opening);
      const operators: Record<string, StoredOperatorSnapshot> = {};
      for (const [id, op] of Object.entries(snapshot.operators)) {
        const parts = keyedParts.get(id);
        operators[id] = parts === undefined ? op : { instances: op.instances, keyedParts: parts };
      }
      const begun = writer as CheckpointWriter;
      await begun.writePart(JOB_PART, encodeRecord({ ...snapshot, operators }));
      const manifest = await begun.complete();
      writer = undefined;
      this.lastId = checkpointId;
      await host.notify(checkpointId, snapshot);
      return manifest;
    } catch (e) {
      await writer?.abort().catch(() => {});
      throw e;
    }
  }
}

/** Opens the part on the first call (`start`), so a writer that is never used leaves no part. */
function lazyPartWriter(
  checkpoint: CheckpointWriter,
  name: string,
  opening: Promise<unknown>[],
): KeyedStateSnapshotWriter {
  let inner: Promise<KeyedStateSnapshotWriter> | undefined;
  const get = () => {
    if (inner === undefined) {
      inner = checkpoint.openPart(name).then(keyedStatePartWriter);
      opening.push(inner);
    }
    return inner;
  };
  return {
    start: async (header) => (await get()).start(header),
    write: async (chunk) => (await get()).write(chunk),
    finish: async () => (await get()).finish(),
  };
}

/**
 * The JobSnapshot stored in checkpoint `checkpointId` (the latest completed one by default), to
 * pass as `restoreFrom`; undefined when the storage holds no checkpoint. Keyed state is gathered in
 * memory here (the runtime restores it before the job starts).
 */
export async function readJobCheckpoint(
  storage: CheckpointStorage,
  checkpointId?: number,
): Promise<JobSnapshot | undefined> {
  const id = checkpointId ?? (await storage.latest())?.checkpointId;
  if (id === undefined) return undefined;
  const reader = await storage.read(id);
  let stored: JobSnapshot | undefined;
  for await (const record of decodeRecords(reader.openPart(JOB_PART))) stored ??= record as JobSnapshot;
  if (stored?.formatVersion !== 1)
    throw new CheckpointError(`checkpoint ${id} holds no job snapshot of format 1`);
  const operators: Record<string, OperatorSnapshot> = {};
  for (const [opId, op] of Object.entries(stored.operators as Record<string, StoredOperatorSnapshot>)) {
    if (op.keyedParts === undefined) {
      operators[opId] = op;
      continue;
    }
    operators[opId] = { instances: op.instances, keyed: await readKeyed(reader, op.keyedParts) };
  }
  return { ...stored, operators };
}

async function readKeyed(
  reader: Awaited<ReturnType<CheckpointStorage['read']>>,
  parts: readonly string[],
): Promise<KeyedStateSnapshot> {
  const collected = new CollectingSnapshotWriter();
  let header: KeyedStateSnapshot | undefined;
  for (const name of parts) {
    const part = await readKeyedStatePart(reader.openPart(name));
    if (header === undefined) {
      collected.start(part.header);
      header = { ...part.header, keyGroups: [] };
    }
    for await (const chunk of part.chunks) collected.write(chunk);
  }
  if (header === undefined) throw new CheckpointError('a keyed operator has no keyed-state parts');
  collected.finish();
  return collected.result();
}
