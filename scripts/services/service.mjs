// Starting, stopping and inspecting one named service (a search cluster or Kafka), shared by the
// CLIs, the test harness and the tests. A service is identified by its state folder
// (paths.mjs), not by the process that started it, so `start` is idempotent across processes and
// git worktrees: a running service with the same spec is reused; one with another spec is an error.
// Guarantees: a start that fails or is aborted kills every JVM it launched; stop is bounded
// (SIGTERM, then SIGKILL after graceMs).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clusterInfo,
  clusterLogs,
  clusterPorts,
  normalizeClusterSpec,
  prepareCluster,
  probeCluster,
} from './cluster.mjs';
import { kafkaInfo, kafkaLogs, kafkaPorts, normalizeKafkaSpec, prepareKafka, probeKafka } from './kafka.mjs';
import { servicesDir, stateDir } from './paths.mjs';
import { tcpAccepts } from './probe.mjs';
import { isAlive, readPids, spawnDetached, terminate, withLock, writePids } from './process.mjs';

const DRIVERS = {
  cluster: {
    normalize: normalizeClusterSpec,
    ports: clusterPorts,
    info: clusterInfo,
    logs: clusterLogs,
    prepare: prepareCluster,
    probe: (spec) => probeCluster(spec),
  },
  kafka: {
    normalize: normalizeKafkaSpec,
    ports: kafkaPorts,
    info: kafkaInfo,
    logs: kafkaLogs,
    prepare: prepareKafka,
    probe: (spec, dir) => probeKafka(spec, dir),
  },
};

export const DEFAULT_START_TIMEOUT_MS = 300_000;

function driverOf(kind) {
  const d = DRIVERS[kind];
  if (!d) throw new Error(`unknown service kind "${kind}" (use cluster or kafka)`);
  return d;
}

export function normalizeSpec(spec) {
  return driverOf(spec.kind).normalize(spec);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The pids of a service's JVMs that are still alive (empty when stopped). */
function livePids(dir) {
  return readPids(join(dir, 'pids')).filter((p) => isAlive(p, dir));
}

function sameSpec(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The first port of `ports` that accepts connections, with the name of the service using it, if ours. */
async function portConflict(ports, selfName) {
  for (const port of ports) {
    if (!(await tcpAccepts(port, 1000))) continue;
    let owner;
    if (existsSync(servicesDir())) {
      for (const name of readdirSync(servicesDir())) {
        if (name === selfName) continue;
        const dir = join(servicesDir(), name);
        const spec = readJson(join(dir, 'spec.json'));
        if (spec && livePids(dir).length > 0 && driverOf(spec.kind).ports(spec).includes(port)) owner = name;
      }
    }
    return { port, owner };
  }
  return undefined;
}

function tail(file, lines = 15) {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

/**
 * Starts the service described by `spec` ({ kind: 'cluster', engine, nodes, httpPort, settings, name }
 * or { kind: 'kafka', version, brokers, port, name }) and waits until it is healthy. Resolves
 * { name, spec, ...connection info, reused, startMs }. `log` receives progress lines.
 */
export async function startService(
  rawSpec,
  { log = () => {}, signal, timeoutMs = DEFAULT_START_TIMEOUT_MS, progressEveryMs = 10_000 } = {},
) {
  const driver = driverOf(rawSpec.kind);
  const spec = driver.normalize(rawSpec);
  const dir = stateDir(spec.name);
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  return withLock(join(dir, 'start.lock'), { what: `starting ${spec.name}`, log, signal }, async () => {
    const running = livePids(dir);
    if (running.length > 0) {
      const old = readJson(join(dir, 'spec.json'));
      if (old && !sameSpec(old, spec)) {
        throw new Error(
          `service ${spec.name} is already running with other settings (${JSON.stringify(old)}); ` +
            `stop it first (npm run ${spec.kind} -- stop --name ${spec.name}) or pick another --name`,
        );
      }
      await waitHealthy(spec, dir, driver, running, { log, signal, timeoutMs, t0, progressEveryMs });
      const info = connectionInfo(spec, dir, driver);
      return { ...info, reused: true, startMs: Math.round(performance.now() - t0) };
    }
    const conflict = await portConflict(driver.ports(spec), spec.name);
    if (conflict) {
      throw new Error(
        `port ${conflict.port} (needed by ${spec.name}) is already in use` +
          (conflict.owner
            ? ` by the sluice service ${conflict.owner}: stop it with npm run ${readJson(join(stateDir(conflict.owner), 'spec.json'))?.kind} -- stop --name ${conflict.owner}`
            : ' by another process (see `ss -ltnp`)'),
      );
    }
    const launches = await driver.prepare(spec, dir, { log, signal });
    signal?.throwIfAborted();
    const pids = [];
    try {
      for (const l of launches) {
        if (existsSync(l.logFile)) renameSync(l.logFile, `${l.logFile}.1`); // health looks at this start's log only
        pids.push(await spawnDetached(l.cmd, l.args, { cwd: dir, logFile: l.logFile, env: process.env }));
        writePids(join(dir, 'pids'), pids);
      }
      writeFileSync(join(dir, 'spec.json'), `${JSON.stringify(spec, null, 2)}\n`);
      log(
        `${spec.name}: started JVM pid ${pids.join(', ')}; waiting until it is healthy (log ${driver.logs(spec, dir)[0]})`,
      );
      await waitHealthy(spec, dir, driver, pids, { log, signal, timeoutMs, t0, progressEveryMs });
    } catch (e) {
      log(`${spec.name}: start failed, stopping JVM pid ${pids.join(', ')}`);
      await terminate(pids, { graceMs: 10_000, marker: dir, log });
      rmSync(join(dir, 'pids'), { force: true });
      throw e;
    }
    const info = connectionInfo(spec, dir, driver);
    const startedAtMs = Date.now();
    writeFileSync(join(dir, 'info.json'), `${JSON.stringify({ ...info, startedAtMs }, null, 2)}\n`);
    writeFileSync(join(dir, 'url'), `${info.url}\n`);
    return { ...info, reused: false, startMs: Math.round(performance.now() - t0) };
  });
}

function connectionInfo(spec, dir, driver) {
  return {
    name: spec.name,
    kind: spec.kind,
    spec,
    stateDir: dir,
    logs: driver.logs(spec, dir),
    ...driver.info(spec),
  };
}

async function waitHealthy(spec, dir, driver, pids, { log, signal, timeoutMs, t0, progressEveryMs }) {
  let lastLog = performance.now();
  let detail = 'not probed yet';
  for (;;) {
    signal?.throwIfAborted();
    const dead = pids.filter((p) => !isAlive(p, dir));
    if (dead.length > 0) {
      const logs = driver.logs(spec, dir);
      throw new Error(
        `${spec.name}: JVM pid ${dead.join(', ')} exited during start; see ${logs.join(' and ')}\n` +
          tail(logs[0]),
      );
    }
    const r = await driver.probe(spec, dir);
    if (r.ok) return;
    if (r.fatal) throw new Error(`${spec.name}: ${r.detail}`);
    detail = r.detail;
    const elapsedMs = performance.now() - t0;
    if (elapsedMs > timeoutMs) {
      throw new Error(
        `${spec.name}: not healthy after ${Math.round(elapsedMs / 1000)} s (${detail}); see ${driver.logs(spec, dir).join(' and ')}`,
      );
    }
    if (performance.now() - lastLog > progressEveryMs) {
      lastLog = performance.now();
      log(`${spec.name}: waiting (${Math.round(elapsedMs / 1000)} s): ${detail}`);
    }
    await sleep(1000, undefined, { signal }).catch(() => {});
  }
}

/** Stops a service (bounded); resolves { name, wasRunning, killedPids }. `purge` also deletes its data. */
export async function stopService(name, { log = () => {}, graceMs = 30_000, purge = false } = {}) {
  const dir = stateDir(name);
  const pids = livePids(dir);
  let killed = [];
  if (pids.length > 0) {
    log(`${name}: stopping JVM pid ${pids.join(', ')}`);
    killed = await terminate(pids, { graceMs, marker: dir, log });
  }
  for (const f of ['pids', 'info.json', 'url']) rmSync(join(dir, f), { force: true });
  if (purge) rmSync(dir, { recursive: true, force: true });
  return { name, wasRunning: pids.length > 0, killedPids: killed };
}

/**
 * The state of a service: 'stopped', 'starting' (JVM alive, not healthy yet), 'running' (healthy)
 * or 'degraded' (was healthy, is not now), with its pids, spec and connection info.
 */
export async function serviceStatus(name) {
  const dir = stateDir(name);
  const spec = readJson(join(dir, 'spec.json'));
  const pids = livePids(dir);
  if (!spec || pids.length === 0) return { name, state: 'stopped', pids: [], spec };
  const driver = driverOf(spec.kind);
  const probe = await driver.probe(spec, dir);
  return {
    name,
    state: probe.ok ? 'running' : 'starting',
    detail: probe.detail,
    pids,
    ...connectionInfo(spec, dir, driver),
  };
}

/**
 * Connection info of a running service without probing it (synchronous; for test helpers), or
 * undefined when it is not running.
 */
export function readRunningService(name) {
  const dir = stateDir(name);
  const info = readJson(join(dir, 'info.json'));
  if (!info || livePids(dir).length === 0) return undefined;
  return info;
}

/** Stops and starts again with the spec it was started with; resolves what startService does. */
export async function restartService(name, options = {}) {
  const spec = readJson(join(stateDir(name), 'spec.json'));
  if (!spec)
    throw new Error(`service ${name} was never started here (no ${join(stateDir(name), 'spec.json')})`);
  await stopService(name, options);
  return startService(spec, options);
}

/** Names of the services with a state folder. */
export function knownServices() {
  if (!existsSync(servicesDir())) return [];
  return readdirSync(servicesDir()).filter((n) => existsSync(join(servicesDir(), n, 'spec.json')));
}
