import { SluiceError } from '../core/errors.js';

/**
 * Where checkpoints live. A checkpoint coordinator (not part of this module) begins a checkpoint,
 * streams named parts into it (each keyed-state backend, operator, source reader and sink writer
 * writes its own part), and completes it; only then does it become visible to `latest()`/`list()`.
 * A checkpoint that was begun but never completed (the process crashed, `abort()`) is never
 * returned. Storages keep the last `retain` completed checkpoints and delete older ones.
 *
 * Implementations: a local directory (`local-directory-storage.ts`); an index later. Every
 * implementation passes `checkpoint/conformance`.
 */

/** Describes one completed checkpoint; stored beside its parts. */
export interface CheckpointManifest {
  /** Version of the manifest layout (1). */
  readonly formatVersion: 1;
  readonly jobName: string;
  /** Positive integer, strictly increasing over a job's checkpoints. */
  readonly checkpointId: number;
  /** Epoch ms when `complete()` ran, from the storage's clock. */
  readonly createdAtMs: number;
  /** Every part, in the order they were closed. */
  readonly parts: readonly CheckpointPartInfo[];
}

export interface CheckpointPartInfo {
  readonly name: string;
  readonly sizeBytes: number;
}

/** A part being written; chunks are appended in order. */
export interface CheckpointPartWriter {
  write(bytes: Uint8Array): Promise<void>;
  /** Ends the part; its bytes are durable once the checkpoint completes. */
  close(): Promise<void>;
}

/** A checkpoint being written. Parts may be written concurrently; each name once. */
export interface CheckpointWriter {
  readonly checkpointId: number;
  /** Opens part `name` (1-200 letters, digits, `.`, `_`, `-`; unique in the checkpoint). */
  openPart(name: string): Promise<CheckpointPartWriter>;
  /** A whole part at once. */
  writePart(name: string, bytes: Uint8Array): Promise<void>;
  /**
   * Makes the checkpoint visible, atomically: after a crash it is either complete or absent. Every
   * opened part must be closed. Then deletes completed checkpoints beyond the retained number.
   */
  complete(): Promise<CheckpointManifest>;
  /** Drops everything written; the id may be begun again. */
  abort(): Promise<void>;
}

/** Reads one completed checkpoint. */
export interface CheckpointReader {
  readonly manifest: CheckpointManifest;
  /** The part's bytes as a stream of chunks (for large parts). */
  openPart(name: string): AsyncIterable<Uint8Array>;
  readPart(name: string): Promise<Uint8Array>;
}

export interface CheckpointStorage {
  /**
   * Starts checkpoint `checkpointId`. Refused when the id is not a positive integer, not greater
   * than the latest completed one, or already being written.
   */
  begin(checkpointId: number): Promise<CheckpointWriter>;
  /** The completed checkpoint with the highest id, if any. */
  latest(): Promise<CheckpointManifest | undefined>;
  /** Completed checkpoints, ascending by id. */
  list(): Promise<CheckpointManifest[]>;
  /** Opens a completed checkpoint; refused for an unknown or incomplete id. */
  read(checkpointId: number): Promise<CheckpointReader>;
  /** Deletes a completed checkpoint (no-op when absent). */
  discard(checkpointId: number): Promise<void>;
}

export const DEFAULT_RETAINED_CHECKPOINTS = 3;

const PART_NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** Part names become file names: refuse anything that could escape or collide. */
export function checkPartName(name: string): string {
  if (!PART_NAME.test(name) || name === '.' || name === '..' || name === 'manifest.json') {
    throw new CheckpointError(
      `checkpoint part name must be 1-200 letters, digits, '.', '_' or '-' (not "manifest.json"), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

export function checkCheckpointId(checkpointId: number): number {
  if (!Number.isSafeInteger(checkpointId) || checkpointId < 1)
    throw new CheckpointError(`checkpoint id must be a positive integer, got ${String(checkpointId)}`);
  return checkpointId;
}

/** A checkpoint operation refused or failed (bad id or name, unknown checkpoint, corrupt data). */
export class CheckpointError extends SluiceError {
  override readonly name = 'CheckpointError';
}
