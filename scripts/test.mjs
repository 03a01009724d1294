#!/usr/bin/env node
// The one test command (`npm test`, also run by .ci/run): finds every *.test.ts under src/ and test/
// and runs them with node's own test runner, loading TypeScript through tsx. Extra arguments are
// file filters: `npm test -- window` runs only test files whose path contains "window".
// Node 20 has no glob support in `node --test`, hence the explicit file list.
//
// Test services: when at least one selected file lives under test/integration/, the standard set of
// real clusters and brokers (scripts/services/standard.mjs) is started first, once for the whole run
// and in parallel, and announced to the tests through SLUICE_TEST_* env vars (read by
// test/support/services.ts). SLUICE_TEST_SERVICES narrows the set (comma list of names, or "none").
// Services already running (started by .ci/run or by hand) are reused and left running; the ones
// started here are stopped at the end, also after a failure or Ctrl-C.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  missingToolsReason,
  STANDARD_SERVICES,
  serviceEnv,
  standardService,
  startService,
  stopService,
} from './services/index.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function findTests(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch (e) {
    if (e.code === 'ENOENT') return out; // e.g. no test/ folder
    throw e;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [...findTests(join(root, 'src')), ...findTests(join(root, 'test'))]
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();

if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

const say = (line) => process.stderr.write(`services: ${line}\n`);

/** The standard services this run needs: all of them when integration tests are selected. */
function selectedServices() {
  if (!files.some((f) => f.startsWith(`test${sep}integration${sep}`))) return [];
  const env = process.env.SLUICE_TEST_SERVICES?.trim();
  if (env === undefined || env === '') return STANDARD_SERVICES.map((s) => s.name);
  if (env === 'none') return [];
  const names = env
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const n of names) standardService(n); // throws with the list of valid names
  return names;
}

const abort = new AbortController();
const startedHere = [];
let child;
let interrupted;
const onSignal = (sig) => {
  if (interrupted) return;
  interrupted = sig;
  say(`${sig}: stopping the tests and the services started by this run`);
  abort.abort(new Error(`interrupted by ${sig}`));
  child?.kill(sig);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/** Starts the selected services in parallel; returns the env vars for the test processes. */
async function startServices(names) {
  const env = {};
  if (names.length === 0) return env;
  const missing = missingToolsReason();
  if (missing) {
    for (const n of names) env[standardService(n).env.error] = missing;
    say(`not started (${names.join(', ')}): ${missing}`);
    return env;
  }
  const timeoutMs = Number(process.env.SLUICE_SERVICE_START_TIMEOUT_S || 600) * 1000;
  say(`starting ${names.join(', ')} (reusing any already running)`);
  const t0 = performance.now();
  await Promise.all(
    names.map(async (name) => {
      try {
        const r = await startService(standardService(name).spec, {
          log: say,
          signal: abort.signal,
          timeoutMs,
          progressEveryMs: 30_000,
        });
        if (!r.reused) startedHere.push(name);
        Object.assign(env, serviceEnv(name, r));
        say(
          r.reused
            ? `${name} already running, reused: ${r.url}`
            : `${name} started in ${(r.startMs / 1000).toFixed(1)} s: ${r.url}`,
        );
      } catch (e) {
        env[standardService(name).env.error] = String(e?.message ?? e);
        say(`${name} FAILED to start: ${e?.message ?? e}`);
      }
    }),
  );
  say(`ready after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return env;
}

function runTests(env) {
  const concurrency = Math.max(2, availableParallelism());
  return new Promise((resolve) => {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${concurrency}`,
        '--test-timeout=300000',
        '--test-reporter=spec',
        ...files,
      ],
      { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
    );
    child.on('error', (e) => {
      console.error(`cannot run the tests: ${e.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 1)));
  });
}

let status = 1;
try {
  let names;
  try {
    names = selectedServices();
  } catch (e) {
    console.error(`SLUICE_TEST_SERVICES: ${e.message}`);
    process.exit(2);
  }
  const env = await startServices(names);
  if (!interrupted) status = await runTests(env);
} finally {
  if (startedHere.length > 0) {
    const t0 = performance.now();
    await Promise.all(
      startedHere.map((n) => stopService(n, { log: say }).catch((e) => say(`${n}: ${e.message}`))),
    );
    say(`stopped ${startedHere.join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}
process.exit(interrupted ? 130 : status);
