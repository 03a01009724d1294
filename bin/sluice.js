#!/usr/bin/env node
// The `sluice` command: runs the compiled CLI (built into dist/ by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'sluice is not built yet: run `npm install` (or `npm run build`) in the sluice folder first\n',
  );
  process.exit(2);
}
const { main } = await import(entry.href);
// No forced exit after main resolves: every command releases what it opened (jobs stopped,
// servers and clients closed), so the process ends by itself, and a socket or timer left open is a
// bug to fix, not to hide. (A 2 s forced exit stood here while a stopped Kafka consumer could keep
// a rejoin retrying on its closed connections; fixed in the Kafka client adapter, proven by
// test/integration/kafka/stop-releases-handles.test.ts.)
process.exitCode = await main(process.argv);
