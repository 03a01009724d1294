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
process.exitCode = await main(process.argv);
// Every command releases what it opened, so the process normally ends by itself here. When a
// library still holds a socket or timer 2 s after the command finished, exit anyway and say what
// was left: a finished command must not hang (a Kafka consumer assigned partitions again while its
// job was stopping kept a `sluice run` alive on Node 24 in CI), and the line names the leak to fix.
// test/integration/kafka/stop-releases-handles.test.ts checks the ordinary stops leave nothing.
const exitTimer = setTimeout(() => {
  const left = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout');
  process.stderr.write(
    `sluice: exiting with handles still open after the command finished: ${left.join(', ') || 'timers'}\n`,
  );
  process.exit();
}, 2_000);
exitTimer.unref();
