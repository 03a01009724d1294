/**
 * How `sluice search` and `sluice indices` find a sluice that already serves a data directory.
 *
 * A process serving the search API on an embedded engine (`sluice demo`, `sluice run --serve`)
 * writes `<dataDir>/sluice-server.json` while it serves, and removes it when it stops:
 *
 *   {"url":"http://127.0.0.1:9292","pid":12345}
 *
 * The file is written to a temporary name and renamed, so a reader never sees half of it. A file
 * left by a killed process is ignored: the reader checks that the pid is alive and that the URL
 * answers as a sluice search API before using it.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DISCOVERY_FILE = 'sluice-server.json';

export interface ServerAnnouncement {
  /** Base URL of the search API, e.g. http://127.0.0.1:9292 */
  readonly url: string;
  readonly pid: number;
}

/** Writes the announcement; returns a function that removes it (only while it is still ours). */
export function announceServer(dataDir: string, url: string): () => void {
  const file = join(dataDir, DISCOVERY_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  const announcement: ServerAnnouncement = { url, pid: process.pid };
  writeFileSync(temporary, `${JSON.stringify(announcement)}\n`);
  renameSync(temporary, file);
  const remove = () => {
    process.off('exit', remove);
    if (readAnnouncement(dataDir)?.pid === process.pid) rmSync(file, { force: true });
  };
  process.on('exit', remove); // also when a second Ctrl-C exits at once
  return remove;
}

/** The announcement in `dataDir`, or undefined when there is none or it does not parse. */
export function readAnnouncement(dataDir: string): ServerAnnouncement | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, DISCOVERY_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<ServerAnnouncement>;
    if (typeof parsed.url !== 'string' || !Number.isInteger(parsed.pid)) return undefined;
    return { url: parsed.url, pid: parsed.pid as number };
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/**
 * The URL of a live sluice server on `dataDir`, or undefined. Waits at most `timeoutMs` for the
 * server to answer (a server busy indexing still answers `/` at once).
 */
export async function findRunningServer(dataDir: string, timeoutMs = 3000): Promise<string | undefined> {
  const announced = readAnnouncement(dataDir);
  if (announced === undefined || !processAlive(announced.pid)) return undefined;
  try {
    const response = await fetch(`${announced.url}/`, { signal: AbortSignal.timeout(timeoutMs) });
    const info = (await response.json()) as { name?: unknown };
    return response.ok && info.name === 'sluice' ? announced.url : undefined;
  } catch {
    return undefined;
  }
}
