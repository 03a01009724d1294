import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Which better-sqlite3 this process loads, by Node version:
 * - Node 22 and later: better-sqlite3 13 (installed as `better-sqlite3-napi`), built on Node-API
 *   and shipped with prebuilt binaries. Version 12 aborts on Node 24 when a statement is garbage
 *   collected in a worker thread after the worker's environment is gone (its ObjectWrap
 *   destructor removes a cleanup hook without an environment), and the index replica runs in a
 *   worker thread.
 * - Node 20: better-sqlite3 12, compiled from source at install; 13's prebuilt binary crashes
 *   there, and 12 does not have the Node 24 problem on Node 20.
 * Both have the same API and read and write the same database files.
 */
const require = createRequire(import.meta.url);
const nodeMajor = Number(process.versions.node.split('.')[0]);

export const SQLITE_DRIVER = nodeMajor >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;

function loadDriver(): typeof BetterSqlite3 {
  // better-sqlite3 reads `file:` URI file names only when SQLITE_USE_URI=1 is in the environment
  // when its native addon loads (once per process, at the first `new Database`, hence the
  // in-memory one here). The read-only store needs them (`?immutable=1`,
  // store/read-only-store.ts); every other path the engine opens is absolute, so the switch changes
  // nothing else. The variable is set for the load only, so child processes do not inherit it.
  const previous = process.env.SQLITE_USE_URI;
  process.env.SQLITE_USE_URI = '1';
  try {
    const driver = require(SQLITE_DRIVER) as typeof BetterSqlite3;
    new driver(':memory:').close();
    return driver;
  } catch (e) {
    // Both drivers are optional dependencies, so an install never fails for the one this Node does
    // not load: npm installs better-sqlite3-napi on Node >= 22 only (a tree installed under Node
    // 20 and then run on Node 24 lacks it), and skips better-sqlite3 12 when it cannot compile. In
    // this checkout 12 is compiled only on Node 20 (scripts/build-sqlite-driver.mjs): a tree
    // installed on Node 24 has the package without its binary ("Could not locate the bindings file").
    const missing =
      (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' ||
      (e instanceof Error && e.message.startsWith('Could not locate the bindings file'));
    if (!missing) throw e;
    const how =
      nodeMajor >= 22
        ? 'run `npm install` again with this Node version'
        : 'it compiles from source at install: install python3, make and a C++ compiler, then run `npm install` again';
    throw new Error(
      `the SQLite driver for Node ${process.versions.node} (${SQLITE_DRIVER}) is not installed: ${how}`,
      { cause: e },
    );
  } finally {
    if (previous === undefined) delete process.env.SQLITE_USE_URI;
    else process.env.SQLITE_USE_URI = previous;
  }
}

let driver: typeof BetterSqlite3 | undefined;

/**
 * The driver, loaded on first use (the first database opened), not when this module is imported:
 * a process that imports the library but never opens the embedded engine (a Kafka-to-print
 * pipeline, an HTTP-ingest job writing to a cluster) then runs without the driver installed.
 */
export function sqliteDriver(): typeof BetterSqlite3 {
  driver ??= loadDriver();
  return driver;
}
