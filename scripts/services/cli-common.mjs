// What `npm run cluster` and `npm run kafka` share: the start/stop/status/restart actions, progress
// on stderr, the URL as the last line of stdout, Ctrl-C during a start kills what was started, and
// exit codes: 0 ok, 1 error, 2 bad usage, 3 (status) not running.
import { parseArgs } from 'node:util';
import {
  DEFAULT_START_TIMEOUT_MS,
  knownServices,
  restartService,
  serviceStatus,
  startService,
  stopService,
} from './service.mjs';
import { ToolMissingError } from './tools.mjs';

const COMMON_OPTIONS = {
  name: { type: 'string' },
  'timeout-s': { type: 'string' },
  'heap-mb': { type: 'string' },
  purge: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const log = (line) => process.stderr.write(`${line}\n`);

/**
 * Runs one CLI invocation. `options` are the kind's own parseArgs options; `toSpec(values)` builds
 * the spec from parsed values; `help` is the usage text.
 */
export async function runServiceCli({ kind, argv, options, toSpec, help, explicit }) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    log(`${e.message}\n\n${help}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${help}\n`);
    return values.help ? 0 : 2;
  }
  const action = positionals[0];
  if (positionals.length > 1 || !['start', 'stop', 'status', 'restart'].includes(action)) {
    log(`unknown command ${positionals.join(' ')}: use start, stop, status or restart\n\n${help}`);
    return 2;
  }
  const abort = new AbortController();
  const onSignal = (sig) => {
    log(`${sig}: stopping what this command started`);
    abort.abort(new Error(`interrupted by ${sig}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const timeoutMs = values['timeout-s'] ? Number(values['timeout-s']) * 1000 : DEFAULT_START_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new UsageError(`--timeout-s must be a positive number`);
    const spec = { kind, ...toSpec(values) };
    if (values['heap-mb']) spec.heapMb = Number(values['heap-mb']);
    const { normalizeSpec } = await import('./service.mjs');
    const name = normalizeSpec(spec).name;
    const startOpts = { log, signal: abort.signal, timeoutMs };
    if (action === 'start' || action === 'restart') {
      let r;
      if (action === 'restart' && !explicit(values) && knownServices().includes(name))
        r = await restartService(name, startOpts);
      else {
        if (action === 'restart') await stopService(name, { log });
        r = await startService(spec, startOpts);
      }
      log(
        r.reused
          ? `${r.name}: already running (${r.spec.kind === 'kafka' ? `Kafka ${r.version}` : `${r.distribution} ${r.version}`}), reusing it`
          : `${r.name}: healthy after ${(r.startMs / 1000).toFixed(1)} s${r.controlUrl ? `; control API ${r.controlUrl}` : ''}`,
      );
      process.stdout.write(`${r.url}\n`);
      return 0;
    }
    if (action === 'stop') {
      const r = await stopService(name, { log, purge: values.purge });
      log(
        `${name}: ${r.wasRunning ? 'stopped' : 'was not running'}${values.purge ? '; its state and data deleted' : ''}`,
      );
      return 0;
    }
    const s = await serviceStatus(name);
    if (s.state === 'stopped') {
      process.stdout.write(`${name}: stopped\n`);
      return 3;
    }
    process.stdout.write(
      `${name}: ${s.state} (${s.detail}), pid ${s.pids.join(', ')}, log ${s.logs[0]}\n${s.url}\n`,
    );
    return s.state === 'running' ? 0 : 3;
  } catch (e) {
    if (e instanceof UsageError) {
      log(`${e.message}\n\n${help}`);
      return 2;
    }
    log(`error: ${e instanceof ToolMissingError ? e.message : (e?.message ?? e)}`);
    return abort.signal.aborted ? 130 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export class UsageError extends Error {}

/** `key=value` strings to an object; UsageError on a malformed one. */
export function parseSettings(list = []) {
  const out = {};
  for (const s of list) {
    const i = s.indexOf('=');
    if (i <= 0) throw new UsageError(`--setting needs key=value, got "${s}"`);
    out[s.slice(0, i)] = s.slice(i + 1);
  }
  return out;
}
