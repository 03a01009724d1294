#!/usr/bin/env node
// `npm run kafka -- start|stop|status|restart [options]`: a local Kafka (KRaft) from Maven Central
// jars, bound to 127.0.0.1. See docs/services.md.
import { runServiceCli } from './cli-common.mjs';
import { KAFKA_VERSIONS } from './kafka.mjs';

const help = `Usage: npm run kafka -- <start|stop|status|restart> [options]

Runs a local Kafka in KRaft mode (each broker a combined broker+controller JVM, 127.0.0.1 only)
from jars fetched once with Maven. start prints the bootstrap (127.0.0.1:PORT, a comma list for
several brokers) as the last line of stdout; progress goes to stderr. A second start of a running
Kafka (from any worktree) prints its bootstrap and returns.

Options:
  --version V         ${Object.keys(KAFKA_VERSIONS).join(' | ')} (default 4.1; 4.1 = Kafka 4.1.1, 3.9 = Kafka 3.9.1)
  --brokers N         number of brokers, 1..5 (default 1)
  --name NAME         service name (default kafka4 / kafka3, or kafka4-<N>brokers)
  --port P            first broker's port (default 9092 for 4.1, 9192 for 3.9); broker i listens on
                      P+i-1, its controller on P+N+i-1
  --heap-mb MB        JVM heap per broker (default 512)
  --timeout-s S       how long start waits for health (default 300)
  --purge             with stop: also delete the topics (the whole data folder)
  -h, --help          this text

Folders: jars in $SLUICE_CACHE_DIR (~/.cache/sluice/jars), state, logs and data in
$SLUICE_SERVICES_DIR/<name> (~/.cache/sluice/services/<name>).
Exit codes: 0 ok, 1 error, 2 bad usage, 3 status: not running.`;

const code = await runServiceCli({
  kind: 'kafka',
  argv: process.argv.slice(2),
  help,
  options: {
    version: { type: 'string' },
    brokers: { type: 'string' },
    port: { type: 'string' },
  },
  toSpec: (v) => ({ version: v.version, brokers: v.brokers, name: v.name, port: v.port }),
  explicit: (v) => ['version', 'brokers', 'port', 'heap-mb'].some((k) => v[k] !== undefined),
});
process.exitCode = code;
