#!/usr/bin/env node
import { parseSettings, runServiceCli } from './cli-common.mjs';
// `npm run cluster -- start|stop|status|restart [options]`: a local OpenSearch or Elasticsearch
// cluster from Maven Central jars, bound to 127.0.0.1. See docs/services.md.
import { ENGINES } from './cluster.mjs';

const help = `Usage: npm run cluster -- <start|stop|status|restart> [options]

Runs a local search cluster (N nodes in one JVM, 127.0.0.1 only) from jars fetched once with Maven.
start prints the URL (a comma list for several nodes) as the last line of stdout; progress goes to
stderr. A second start of a running cluster (from any worktree) prints its URL and returns.

Options:
  --engine E          ${Object.keys(ENGINES).join(' | ')} (default opensearch2)
                      opensearch2 = OpenSearch 2.19.1, opensearch3 = OpenSearch 3.8.0 (needs Java 21+),
                      es7 = Elasticsearch 7.10.2
  --nodes N           number of nodes, 1..7 (default 1)
  --name NAME         service name (default: the engine, or <engine>-<N>nodes)
  --http-port P       HTTP port of the first node; node i gets P+i-1 (defaults: opensearch2 9201,
                      opensearch3 9241, es7 9231); transport ports are P+99+i
  --control-port P    control API port (default: http port + 8)
  --setting k=v       a node setting for every node, repeatable (e.g. thread_pool.write.queue_size=1)
  --heap-mb MB        JVM heap (default 1024 for 1 node, 2048 for 2-3 nodes)
  --timeout-s S       how long start waits for health (default 300)
  --purge             with stop: also delete the cluster's data
  -h, --help          this text

Control API (every cluster): GET <control>/status, /stop?node=K, /start?node=K (K 0-based), /quit.
Folders: jars in $SLUICE_CACHE_DIR (~/.cache/sluice/jars), state and data in
$SLUICE_SERVICES_DIR/<name> (~/.cache/sluice/services/<name>).
Exit codes: 0 ok, 1 error, 2 bad usage, 3 status: not running.`;

const code = await runServiceCli({
  kind: 'cluster',
  argv: process.argv.slice(2),
  help,
  options: {
    engine: { type: 'string' },
    nodes: { type: 'string' },
    'http-port': { type: 'string' },
    'control-port': { type: 'string' },
    setting: { type: 'string', multiple: true },
  },
  toSpec: (v) => ({
    engine: v.engine,
    nodes: v.nodes,
    name: v.name,
    httpPort: v['http-port'],
    controlPort: v['control-port'],
    settings: parseSettings(v.setting),
  }),
  explicit: (v) =>
    ['engine', 'nodes', 'http-port', 'control-port', 'setting', 'heap-mb'].some((k) => v[k] !== undefined),
});
process.exitCode = code;
