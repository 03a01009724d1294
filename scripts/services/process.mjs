// Process plumbing for the service scripts: detached JVMs, pid files, liveness checks that survive
// pid reuse, bounded termination (SIGTERM, wait, SIGKILL), and a cross-process lock file.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * True when `pid` is alive and, if `marker` is given, its command line contains it (a folder path
 * unique to the service), so a recycled pid of an unrelated process is not taken for our JVM.
 */
export function isAlive(pid, marker) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code === 'EPERM') return false; // someone else's process: not ours
    return false;
  }
  if (!marker) return true;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // An empty command line: either a zombie, or a JVM shutting down whose main thread has already
    // exited while the shutdown hooks still run (that one is alive: its ports are still bound).
    if (cmd === '') return !isZombie(pid);
    return cmd.includes(marker);
  } catch {
    return false;
  }
}

function isZombie(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const threads = Number(/^Threads:\s*(\d+)/m.exec(status)?.[1] ?? 1);
    return /^State:\s*Z/m.test(status) && threads <= 1;
  } catch {
    return true; // gone
  }
}

export function readPids(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

export function writePids(file, pids) {
  writeFileSync(file, pids.map((p) => `${p}\n`).join(''));
}

/**
 * Starts a long-lived process detached from ours (own process group, no pipes), with stdout and
 * stderr appended to `logFile`. It survives our exit; stop it with terminate().
 */
export function spawnDetached(cmd, args, { cwd, logFile, env }) {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid));
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * SIGTERM to every pid, wait up to `graceMs` for all to exit, then SIGKILL the rest and wait for
 * them to disappear (bounded). Returns the pids that needed SIGKILL.
 */
export async function terminate(pids, { graceMs = 30_000, marker, log = () => {} } = {}) {
  const alive = () => pids.filter((p) => isAlive(p, marker));
  for (const p of alive()) signal(p, 'SIGTERM');
  const t0 = performance.now();
  let lastLog = t0;
  while (alive().length > 0 && performance.now() - t0 < graceMs) {
    await sleep(200);
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`still waiting for pid ${alive().join(', ')} to exit (${Math.round((lastLog - t0) / 1000)} s)`);
    }
  }
  const killed = alive();
  for (const p of killed) {
    log(`pid ${p} did not exit within ${graceMs / 1000} s of SIGTERM: SIGKILL`);
    signal(p, 'SIGKILL');
  }
  for (let i = 0; i < 50 && alive().length > 0; i++) await sleep(100);
  return killed;
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if (e.code !== 'ESRCH') throw e;
  }
}

/**
 * Runs `fn` while holding a lock file (created exclusively, holding our pid). A lock whose holder
 * died is taken over (in-process callers must not nest or share one: the holder's pid is ours). Waits at most `timeoutMs` for another holder, logging every 15 s.
 */
export async function withLock(file, { what, log = () => {}, timeoutMs = 15 * 60_000, signal: abort }, fn) {
  const t0 = performance.now();
  let lastLog = t0;
  for (;;) {
    abort?.throwIfAborted();
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(file, 'utf8').trim());
    } catch {
      continue; // removed meanwhile: try again
    }
    if (!isAlive(holder)) {
      rmSync(file, { force: true });
      continue;
    }
    if (performance.now() - t0 > timeoutMs) {
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for pid ${holder} (${what}); lock ${file}`,
      );
    }
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      log(`waiting for pid ${holder}, which is ${what} (lock ${file})`);
    }
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
