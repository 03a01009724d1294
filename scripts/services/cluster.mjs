// The search-cluster driver for service.mjs: OpenSearch 2.19.1, OpenSearch 3.8.0 (Java 21+) and
// Elasticsearch 7.10.2, each run as N nodes in one JVM by java/Cluster.java (codelibs runners), which
// also serves a control API for stopping and restarting single nodes. Port scheme, for --http-port P
// (the first node's HTTP port): node i (1-based) has HTTP P+i-1 and transport P+99+i; the control
// API is on P+8 unless --control-port says otherwise. Data lives in <state>/data/node_<i>/.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentDir, ensureJars } from './jars.mjs';
import { httpGet, httpGetJson } from './probe.mjs';
import { findJava } from './tools.mjs';

export const ENGINES = {
  opensearch2: {
    distribution: 'opensearch',
    version: '2.19.1',
    component: 'opensearch-2.19.1',
    javaMin: 17,
    defaultHttpPort: 9201,
  },
  opensearch3: {
    distribution: 'opensearch',
    version: '3.8.0',
    component: 'opensearch-3.8.0',
    javaMin: 21,
    defaultHttpPort: 9241,
  },
  es7: {
    distribution: 'elasticsearch',
    version: '7.10.2',
    component: 'elasticsearch-7.10.2',
    javaMin: 17,
    defaultHttpPort: 9231,
  },
};

const CONTROL_PORT_OFFSET = 8;

/** Fills in defaults and validates a cluster spec; the result is what spec.json stores. */
export function normalizeClusterSpec(spec) {
  const engineName = spec.engine ?? 'opensearch2';
  const engine = ENGINES[engineName];
  if (!engine)
    throw new Error(`unknown engine "${engineName}": use one of ${Object.keys(ENGINES).join(', ')}`);
  const nodes = intIn(spec.nodes ?? 1, 1, 7, 'nodes');
  const httpPort = intIn(spec.httpPort ?? engine.defaultHttpPort, 1025, 65000, 'http port');
  const controlPort = intIn(spec.controlPort ?? httpPort + CONTROL_PORT_OFFSET, 1025, 65535, 'control port');
  const settings = { ...(spec.settings ?? {}) };
  for (const [k, v] of Object.entries(settings)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(k) || typeof v !== 'string') throw new Error(`bad setting ${k}=${v}`);
  }
  return {
    kind: 'cluster',
    name: spec.name ?? (nodes === 1 ? engineName : `${engineName}-${nodes}nodes`),
    engine: engineName,
    nodes,
    httpPort,
    controlPort,
    settings,
    heapMb: spec.heapMb ?? (nodes === 1 ? 1024 : Math.max(2048, 700 * nodes)),
  };
}

function intIn(v, min, max, what) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${what} must be an integer in ${min}..${max}, got ${v}`);
  return n;
}

export function clusterPorts(spec) {
  const ports = [spec.controlPort];
  for (let i = 0; i < spec.nodes; i++) ports.push(spec.httpPort + i, spec.httpPort + 100 + i);
  return ports;
}

export function clusterInfo(spec) {
  const urls = [];
  for (let i = 0; i < spec.nodes; i++) urls.push(`http://127.0.0.1:${spec.httpPort + i}`);
  const e = ENGINES[spec.engine];
  return {
    urls,
    url: urls.join(','),
    controlUrl: `http://127.0.0.1:${spec.controlPort}`,
    distribution: e.distribution,
    version: e.version,
  };
}

export function clusterLogs(spec, dir) {
  return [join(dir, 'console.log'), join(dir, 'data', `node_${spec.nodes}`, 'logs', `${spec.name}.log`)];
}

/** Fetches jars and compiles Cluster.java (once per component); returns the JVM launch list. */
export async function prepareCluster(spec, dir, { log, signal }) {
  const engine = ENGINES[spec.engine];
  const jdk = findJava(engine.javaMin);
  const lib = await ensureJars(engine.component, { log, signal });
  const classes = compileCluster(engine, jdk);
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const args = [`-Xms${spec.heapMb}m`, `-Xmx${spec.heapMb}m`, '-Dlog4j2.formatMsgNoLookups=true'];
  // Lucene 10 on Java 22+ asks for native access; without this flag it only prints warnings.
  if (jdk.major >= 22) args.push('--enable-native-access=ALL-UNNAMED');
  args.push('-cp', `${classes}:${lib}/*`, 'Cluster', data, String(spec.nodes), String(spec.httpPort - 1));
  args.push(String(spec.controlPort), spec.name);
  for (const [k, v] of Object.entries(spec.settings)) args.push(`${k}=${v}`);
  return [{ cmd: jdk.java, args, logFile: join(dir, 'console.log') }];
}

/** The runner-specific source of Cluster.java, compiled into <component>/classes-<hash>/. */
function compileCluster(engine, jdk) {
  let src = readFileSync(new URL('./java/Cluster.java', import.meta.url), 'utf8');
  if (engine.distribution === 'elasticsearch') {
    src = src
      .replaceAll(
        'org.codelibs.opensearch.runner.OpenSearchRunner',
        'org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner',
      )
      .replaceAll('OpenSearchRunner', 'ElasticsearchClusterRunner')
      .replaceAll('cluster.initial_cluster_manager_nodes', 'cluster.initial_master_nodes');
  }
  const hash = createHash('sha256').update(src).update(jdk.javac).digest('hex').slice(0, 12);
  const base = componentDir(engine.component);
  const classes = join(base, `classes-${hash}`);
  if (existsSync(join(classes, 'Cluster.class'))) return classes;
  const srcDir = join(base, `src-${hash}`);
  mkdirSync(srcDir, { recursive: true });
  writeFileSync(join(srcDir, 'Cluster.java'), src);
  // Compile into a temporary folder and rename, so a concurrent starter never sees half a class.
  const tmp = `${classes}.tmp-${process.pid}`;
  const r = spawnSync(
    jdk.javac,
    ['-nowarn', '-cp', `${join(base, 'lib')}/*`, '-d', tmp, join(srcDir, 'Cluster.java')],
    { encoding: 'utf8', timeout: 180_000 },
  );
  if (r.status !== 0) throw new Error(`javac Cluster.java failed:\n${r.stdout}${r.stderr}${r.error ?? ''}`);
  try {
    renameSync(tmp, classes);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(classes, 'Cluster.class'))) throw e; // else another process won the race
  }
  return classes;
}

/**
 * One health probe: every node answers GET / with the expected version, the cluster is yellow or
 * green with all nodes, and the control API answers. Returns { ok, detail }.
 */
export async function probeCluster(spec) {
  const info = clusterInfo(spec);
  for (const url of info.urls) {
    const root = await httpGetJson(`${url}/`);
    if (!root?.version?.number) return { ok: false, detail: `${url}/ does not answer yet` };
    if (root.version.number !== info.version) {
      return {
        ok: false,
        fatal: true,
        detail: `${url}/ is version ${root.version.number}, expected ${info.version}`,
      };
    }
  }
  const health = await httpGetJson(`${info.urls[0]}/_cluster/health`);
  if (!health || !['yellow', 'green'].includes(health.status) || health.number_of_nodes !== spec.nodes) {
    return {
      ok: false,
      detail: `cluster health ${health?.status ?? '?'}, ${health?.number_of_nodes ?? '?'} of ${spec.nodes} nodes`,
    };
  }
  const ctl = await httpGet(`${info.controlUrl}/status`);
  if (ctl?.status !== 200) return { ok: false, detail: `control API ${info.controlUrl} does not answer yet` };
  return { ok: true, detail: `${health.status}, ${spec.nodes} node(s)` };
}
