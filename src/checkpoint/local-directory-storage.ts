import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, mkdtemp, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import {
  CheckpointError,
  type CheckpointManifest,
  type CheckpointPartInfo,
  type CheckpointPartWriter,
  type CheckpointReader,
  type CheckpointStorage,
  type CheckpointWriter,
  checkCheckpointId,
  checkPartName,
  DEFAULT_RETAINED_CHECKPOINTS,
} from './checkpoint-storage.js';

/**
 * Checkpoints in a local directory, one folder per completed checkpoint:
 *
 *   <directory>/
 *     chk-00000000000000000042/        a completed checkpoint (id zero-padded to 20 digits)
 *       manifest.json                  CheckpointManifest as JSON (layout below), written last
 *       <part name>                    each part's bytes, as written
 *     .inprogress-chk-<id>-<random>/   a checkpoint being written (or left by a crash)
 *     .discarded-chk-<id>-<random>/    a checkpoint being deleted
 *
 * manifest.json: { "formatVersion": 1, "jobName": "...", "checkpointId": 42, "createdAtMs": 1764600000000,
 *                  "parts": [{ "name": "op-windows.keyed", "sizeBytes": 123456 }, ...] }
 *
 * Atomicity: parts and the manifest are written into the in-progress folder and fsynced, the folder
 * is fsynced, renamed to `chk-<id>` (atomic on one file system), and the parent folder is fsynced.
 * So after a crash a `chk-*` folder is complete or absent; in-progress folders are never read and
 * are deleted by the next `begin`. Deleting renames first, so a half-deleted checkpoint is never
 * visible either. One writing process per directory.
 */
export interface LocalDirectoryStorageOptions {
  readonly directory: string;
  readonly jobName: string;
  /** Epoch ms for `createdAtMs`. */
  readonly clock: Clock;
  /** Completed checkpoints to keep (default 3); older ones are deleted after each completion. */
  readonly retain?: number;
}

const COMPLETED = /^chk-(\d{20})$/;
const IN_PROGRESS_PREFIX = '.inprogress-chk-';
const DISCARDED_PREFIX = '.discarded-chk-';
const MANIFEST = 'manifest.json';

const folderName = (checkpointId: number) => `chk-${String(checkpointId).padStart(20, '0')}`;

/** fsync a folder so a rename or new file in it survives a power cut (a no-op where unsupported). */
async function syncDirectory(path: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(path, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    await fh?.close();
  }
}

function parseManifest(text: string, where: string): CheckpointManifest {
  const m = JSON.parse(text) as CheckpointManifest;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    m.formatVersion === 1 &&
    typeof m.jobName === 'string' &&
    Number.isSafeInteger(m.checkpointId) &&
    Number.isFinite(m.createdAtMs) &&
    Array.isArray(m.parts) &&
    m.parts.every((p) => typeof p.name === 'string' && Number.isSafeInteger(p.sizeBytes));
  if (!ok) throw new CheckpointError(`${where} is not a checkpoint manifest (format 1)`);
  return m;
}

export class LocalDirectoryStorage implements CheckpointStorage {
  private readonly retain: number;
  private readonly writing = new Set<number>();

  constructor(private readonly options: LocalDirectoryStorageOptions) {
    this.retain = options.retain ?? DEFAULT_RETAINED_CHECKPOINTS;
    if (!Number.isInteger(this.retain) || this.retain < 1)
      throw new ConfigError(`checkpoint retain must be an integer >= 1, got ${String(options.retain)}`);
  }

  get directory(): string {
    return this.options.directory;
  }

  async begin(checkpointId: number): Promise<CheckpointWriter> {
    checkCheckpointId(checkpointId);
    await mkdir(this.directory, { recursive: true });
    if (this.writing.has(checkpointId))
      throw new CheckpointError(`checkpoint ${checkpointId} is already being written`);
    const latest = await this.latest();
    if (latest !== undefined && checkpointId <= latest.checkpointId) {
      throw new CheckpointError(
        `checkpoint id ${checkpointId} must be greater than the latest completed one (${latest.checkpointId})`,
      );
    }
    if (this.writing.size === 0) await this.removeLeftovers();
    const tmp = await mkdtemp(join(this.directory, `${IN_PROGRESS_PREFIX}${checkpointId}-`));
    this.writing.add(checkpointId);
    return new LocalCheckpointWriter(checkpointId, tmp, this, () => this.writing.delete(checkpointId));
  }

  /** Deletes folders a crash left behind (nothing of this process is in progress when called). */
  private async removeLeftovers(): Promise<void> {
    for (const name of await readdir(this.directory)) {
      if (name.startsWith(IN_PROGRESS_PREFIX) || name.startsWith(DISCARDED_PREFIX))
        await rm(join(this.directory, name), { recursive: true, force: true });
    }
  }

  /** @internal Called by the writer: the atomic rename, then retention. */
  async publish(tmp: string, parts: CheckpointPartInfo[], checkpointId: number): Promise<CheckpointManifest> {
    const manifest: CheckpointManifest = {
      formatVersion: 1,
      jobName: this.options.jobName,
      checkpointId,
      createdAtMs: this.options.clock.nowMs(),
      parts,
    };
    const fh = await open(join(tmp, MANIFEST), 'wx');
    try {
      await fh.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await syncDirectory(tmp);
    await rename(tmp, join(this.directory, folderName(checkpointId)));
    await syncDirectory(this.directory);
    const completed = await this.list();
    for (const old of completed.slice(0, Math.max(0, completed.length - this.retain)))
      await this.discard(old.checkpointId);
    return manifest;
  }

  async latest(): Promise<CheckpointManifest | undefined> {
    return (await this.list()).at(-1);
  }

  async list(): Promise<CheckpointManifest[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: CheckpointManifest[] = [];
    for (const name of names) {
      if (!COMPLETED.test(name)) continue;
      const manifest = await this.manifestIn(name).catch(() => undefined);
      if (manifest !== undefined) out.push(manifest);
    }
    return out.sort((a, b) => a.checkpointId - b.checkpointId);
  }

  private async manifestIn(folder: string): Promise<CheckpointManifest> {
    const path = join(this.directory, folder, MANIFEST);
    return parseManifest(await readFile(path, 'utf8'), path);
  }

  async read(checkpointId: number): Promise<CheckpointReader> {
    checkCheckpointId(checkpointId);
    const folder = join(this.directory, folderName(checkpointId));
    let manifest: CheckpointManifest;
    try {
      manifest = await this.manifestIn(folderName(checkpointId));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new CheckpointError(`no completed checkpoint ${checkpointId} in ${this.directory}`);
      throw e;
    }
    const known = (name: string): string => {
      if (!manifest.parts.some((p) => p.name === name))
        throw new CheckpointError(`checkpoint ${checkpointId} has no part "${name}"`);
      return join(folder, name);
    };
    return {
      manifest,
      openPart: (name) => {
        const path = known(name);
        return (async function* () {
          for await (const chunk of createReadStream(path)) yield chunk as Buffer;
        })();
      },
      readPart: async (name) => readFile(known(name)),
    };
  }

  async discard(checkpointId: number): Promise<void> {
    checkCheckpointId(checkpointId);
    const gone = join(this.directory, `${DISCARDED_PREFIX}${checkpointId}-${randomUUID()}`);
    try {
      await rename(join(this.directory, folderName(checkpointId)), gone);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    await syncDirectory(this.directory);
    await rm(gone, { recursive: true, force: true });
  }
}

class LocalCheckpointWriter implements CheckpointWriter {
  private readonly parts: CheckpointPartInfo[] = [];
  private readonly open = new Set<string>();
  /** Files of parts not closed yet, closed by `abort` (a failed snapshot leaves them open). */
  private readonly handles = new Map<string, FileHandle>();
  private state: 'writing' | 'done' = 'writing';

  constructor(
    readonly checkpointId: number,
    private readonly tmp: string,
    private readonly storage: LocalDirectoryStorage,
    private readonly release: () => void,
  ) {}

  private checkWriting(): void {
    if (this.state !== 'writing')
      throw new CheckpointError(`checkpoint ${this.checkpointId} was already completed or aborted`);
  }

  async openPart(name: string): Promise<CheckpointPartWriter> {
    this.checkWriting();
    checkPartName(name);
    if (this.parts.some((p) => p.name === name) || this.open.has(name))
      throw new CheckpointError(`checkpoint ${this.checkpointId} already has a part "${name}"`);
    this.open.add(name);
    const fh = await open(join(this.tmp, name), 'wx');
    this.handles.set(name, fh);
    let sizeBytes = 0;
    return {
      write: async (bytes) => {
        let offset = 0;
        while (offset < bytes.byteLength) {
          const { bytesWritten } = await fh.write(bytes, offset, bytes.byteLength - offset);
          offset += bytesWritten;
        }
        sizeBytes += bytes.byteLength;
      },
      close: async () => {
        try {
          await fh.sync();
        } finally {
          await fh.close();
          this.handles.delete(name);
        }
        this.open.delete(name);
        this.parts.push({ name, sizeBytes });
      },
    };
  }

  async writePart(name: string, bytes: Uint8Array): Promise<void> {
    const part = await this.openPart(name);
    await part.write(bytes);
    await part.close();
  }

  async complete(): Promise<CheckpointManifest> {
    this.checkWriting();
    if (this.open.size > 0)
      throw new CheckpointError(
        `checkpoint ${this.checkpointId} has parts not closed: ${[...this.open].join(', ')}`,
      );
    this.state = 'done';
    try {
      return await this.storage.publish(this.tmp, this.parts, this.checkpointId);
    } finally {
      this.release();
    }
  }

  async abort(): Promise<void> {
    if (this.state !== 'writing') return;
    this.state = 'done';
    this.release();
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map((fh) => fh.close().catch(() => {})));
    await rm(this.tmp, { recursive: true, force: true });
  }
}
