#!/usr/bin/env node
// `node scripts/services/test-services-cli.mjs start|stop|status [NAME ...]`: the standard set of
// test services (standard.mjs) at once, for .ci/run, which starts them before the first test run and
// stops them at the end. Without names: the whole set (or SLUICE_TEST_SERVICES when set).
// `start --started-file F` appends the names it started (not the reused ones) to F, so that
// `stop --from-file F` stops exactly those. Exit 1 when any service fails or Java/Maven is missing.
import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serviceStatus, startService, stopService } from './service.mjs';
import { STANDARD_SERVICES, standardService } from './standard.mjs';
import { missingToolsReason } from './tools.mjs';

const help = `Usage: node scripts/services/test-services-cli.mjs <start|stop|status> [NAME ...] [options]

The standard test services (${STANDARD_SERVICES.map((s) => s.name).join(', ')}).
Without names: all of them, or those listed in SLUICE_TEST_SERVICES.

Options:
  --started-file F   start: append the names of the services this command started to F
  --from-file F      stop: stop the services named in F (one per line) instead
  --timeout-s S      start: how long each service may take to become healthy (default 600)
  -h, --help         this text`;

const say = (line) => process.stderr.write(`services: ${line}\n`);

let parsed;
try {
  parsed = parseArgs({
    options: {
      'started-file': { type: 'string' },
      'from-file': { type: 'string' },
      'timeout-s': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
} catch (e) {
  console.error(`${e.message}\n\n${help}`);
  process.exit(2);
}
const { values, positionals } = parsed;
const [action, ...rest] = positionals;
if (values.help || !['start', 'stop', 'status'].includes(action)) {
  console.log(help);
  process.exit(values.help ? 0 : 2);
}

function names() {
  if (values['from-file']) {
    try {
      return readFileSync(values['from-file'], 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
    } catch (e) {
      if (e.code === 'ENOENT') return [];
      throw e;
    }
  }
  if (rest.length > 0) return rest;
  const env = process.env.SLUICE_TEST_SERVICES?.trim();
  if (env === 'none') return [];
  if (env) return env.split(',').map((n) => n.trim());
  return STANDARD_SERVICES.map((s) => s.name);
}

const list = [...new Set(names())];
for (const n of list) standardService(n);
let failed = 0;
if (action === 'start') {
  const missing = missingToolsReason();
  if (missing) {
    say(`cannot start ${list.join(', ')}: ${missing}`);
    process.exit(1);
  }
  const abort = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'])
    process.once(sig, () => abort.abort(new Error(`interrupted by ${sig}`)));
  const timeoutMs = Number(values['timeout-s'] ?? 600) * 1000;
  const t0 = performance.now();
  await Promise.all(
    list.map(async (name) => {
      try {
        const r = await startService(standardService(name).spec, {
          log: say,
          signal: abort.signal,
          timeoutMs,
          progressEveryMs: 30_000,
        });
        if (!r.reused && values['started-file']) appendFileSync(values['started-file'], `${name}\n`);
        say(
          r.reused
            ? `${name} already running, reused: ${r.url}`
            : `${name} started in ${(r.startMs / 1000).toFixed(1)} s: ${r.url}`,
        );
      } catch (e) {
        failed++;
        say(`${name} FAILED to start: ${e?.message ?? e}`);
      }
    }),
  );
  say(
    `${list.length - failed} of ${list.length} services up after ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
} else if (action === 'stop') {
  await Promise.all(
    list.map(async (name) => {
      const r = await stopService(name, { log: say }).catch((e) => {
        failed++;
        say(`${name}: ${e.message}`);
      });
      if (r) say(`${name}: ${r.wasRunning ? 'stopped' : 'was not running'}`);
    }),
  );
} else {
  for (const name of list) {
    const s = await serviceStatus(name);
    console.log(`${name}: ${s.state}${s.url ? ` ${s.url}` : ''}`);
    if (s.state !== 'running') failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
