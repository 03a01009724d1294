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
const code = await main(process.argv);
process.exitCode = code;
// Every command has finished its work (jobs stopped, servers closed, sinks flushed) when main
// resolves. A client library that keeps a socket or timer open must not keep the process alive:
// exit after a short grace period that lets stdout and stderr drain (the timer itself keeps
// nothing alive, so a clean process exits at once as usual).
setTimeout(() => process.exit(code), 2_000).unref();
