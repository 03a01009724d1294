/**
 * Worker-thread entry of the engine's WAL checkpointer (store/checkpointer.ts): one SQLite
 * connection to the data directory in `workerData`; each 'checkpoint' message runs one PASSIVE
 * checkpoint and answers 'done' (or the error); 'close' closes the connection and ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SqliteDatabase } from './sqlite-driver.js';
import { checkpointPassive, openExistingDatabase } from './sqlite-store.js';

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker.ts must run in a worker thread');
let db: SqliteDatabase | undefined;
let startupError: string | undefined;
try {
  db = openExistingDatabase((workerData as { dataDir: string }).dataDir);
} catch (e) {
  startupError = e instanceof Error ? e.message : String(e);
}

port.on('message', (message: 'checkpoint' | 'close') => {
  if (message === 'close') {
    db?.close();
    port.close();
    return;
  }
  try {
    if (db === undefined) throw new Error(`cannot open the database: ${startupError}`);
    checkpointPassive(db);
    port.postMessage('done');
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
