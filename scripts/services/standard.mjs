// The standard set of test services: started once per `npm test` run by scripts/test.mjs (or
// before by .ci/run), and read by tests through test/support/services.ts. Fixed ports, so every
// worktree on the machine shares one running set. For each service the harness exports
// env.url (a URL, a comma list of node URLs, or a Kafka bootstrap), env.control (clusters: the
// control API of java/Cluster.java) and, when the service could not be started, env.error (why).
const q1 = { 'thread_pool.write.size': '1', 'thread_pool.write.queue_size': '1' };

function entry(name, spec, prefix, urlSuffix, description) {
  const env = { url: `${prefix}_${urlSuffix}`, error: `${prefix}_ERROR` };
  if (spec.kind === 'cluster') env.control = `${prefix}_CONTROL_URL`;
  return { name, spec: { ...spec, name }, env, description };
}

export const STANDARD_SERVICES = [
  entry(
    'opensearch2',
    { kind: 'cluster', engine: 'opensearch2', nodes: 1, httpPort: 9201 },
    'SLUICE_TEST_OPENSEARCH2',
    'URL',
    'OpenSearch 2.19.1, 1 node',
  ),
  entry(
    'opensearch3',
    { kind: 'cluster', engine: 'opensearch3', nodes: 1, httpPort: 9241 },
    'SLUICE_TEST_OPENSEARCH3',
    'URL',
    'OpenSearch 3.8.0 on Java 21+, 1 node',
  ),
  entry(
    'es7',
    { kind: 'cluster', engine: 'es7', nodes: 1, httpPort: 9231 },
    'SLUICE_TEST_ES7',
    'URL',
    'Elasticsearch 7.10.2, 1 node',
  ),
  entry(
    'opensearch2-3nodes',
    { kind: 'cluster', engine: 'opensearch2', nodes: 3, httpPort: 9211 },
    'SLUICE_TEST_OPENSEARCH_3NODES',
    'URLS',
    'OpenSearch 2.19.1, 3 nodes in one JVM (stop/start single nodes)',
  ),
  entry(
    'opensearch2-q1',
    { kind: 'cluster', engine: 'opensearch2', nodes: 1, httpPort: 9221, settings: q1 },
    'SLUICE_TEST_OPENSEARCH_Q1',
    'URL',
    'OpenSearch 2.19.1, 1 node, write pool of 1 thread with a queue of 1 (429 storms)',
  ),
  entry(
    'kafka4',
    { kind: 'kafka', version: '4.1', brokers: 1, port: 9092 },
    'SLUICE_TEST_KAFKA4',
    'BOOTSTRAP',
    'Kafka 4.1.1, 1 broker (KRaft)',
  ),
  entry(
    'kafka3',
    { kind: 'kafka', version: '3.9', brokers: 1, port: 9192 },
    'SLUICE_TEST_KAFKA3',
    'BOOTSTRAP',
    'Kafka 3.9.1, 1 broker (KRaft)',
  ),
];

export function standardService(name) {
  const s = STANDARD_SERVICES.find((e) => e.name === name);
  if (!s)
    throw new Error(`unknown test service "${name}": use ${STANDARD_SERVICES.map((e) => e.name).join(', ')}`);
  return s;
}

/** The env vars the harness exports for a started standard service (`info` from startService). */
export function serviceEnv(name, info) {
  const { env } = standardService(name);
  const out = { [env.url]: info.url };
  if (env.control && info.controlUrl) out[env.control] = info.controlUrl;
  return out;
}

/** The CLI command that starts a standard service by hand (for error messages and docs). */
export function startCommand(name) {
  const { spec } = standardService(name);
  if (spec.kind === 'kafka') {
    return `npm run kafka -- start --name ${name} --version ${spec.version} --port ${spec.port}`;
  }
  const settings = Object.entries(spec.settings ?? {}).map(([k, v]) => ` --setting ${k}=${v}`);
  const nodes = spec.nodes > 1 ? ` --nodes ${spec.nodes}` : '';
  return `npm run cluster -- start --name ${name} --engine ${spec.engine}${nodes} --http-port ${spec.httpPort}${settings.join('')}`;
}
