// How integration tests get at the real clusters and brokers: `requireService(t, name)` returns the
// connection of one of the standard test services (scripts/services/standard.mjs), which
// scripts/test.mjs starts once per run and announces through SLUICE_TEST_* env vars. Run directly
// (node --import tsx --test ...), it also finds a service started by hand (npm run cluster/kafka).
// When the service is not there: with CI=true the test fails (CI never skips); elsewhere it is
// skipped only when Java or Maven is missing, and fails with the reason otherwise.
import type { TestContext } from 'node:test';
import {
  controlCluster as controlClusterImpl,
  missingToolsReason,
  readRunningService,
  restartService as restartServiceImpl,
  type StandardService,
  standardService,
  startCommand,
} from '../../scripts/services/index.mjs';

export type StandardServiceName =
  | 'opensearch2'
  | 'opensearch3'
  | 'es7'
  | 'opensearch2-3nodes'
  | 'opensearch2-q1'
  | 'kafka4'
  | 'kafka3';

export interface ServiceConnection {
  name: StandardServiceName;
  /** Clusters: the first node's URL; Kafka: the bootstrap (comma list for several brokers). */
  url: string;
  /** Clusters: every node's URL; Kafka: each broker's host:port. */
  urls: string[];
  /** Clusters: the control API (GET /status, /stop?node=K, /start?node=K). */
  controlUrl?: string;
  /** Kafka only: the bootstrap servers. */
  bootstrap?: string;
}

function fromEnv(entry: StandardService): ServiceConnection | undefined {
  const value = process.env[entry.env.url];
  if (!value) return undefined;
  const urls = value.split(',').filter((u) => u !== '');
  const conn: ServiceConnection = {
    name: entry.name as StandardServiceName,
    url: entry.spec.kind === 'kafka' ? value : urls[0]!,
    urls,
  };
  const control = entry.env.control ? process.env[entry.env.control] : undefined;
  if (control) conn.controlUrl = control;
  if (entry.spec.kind === 'kafka') conn.bootstrap = value;
  return conn;
}

function fromState(entry: StandardService): ServiceConnection | undefined {
  const info = readRunningService(entry.name);
  if (!info) return undefined;
  const conn: ServiceConnection = {
    name: entry.name as StandardServiceName,
    url: info.kind === 'kafka' ? info.url : info.urls[0]!,
    urls: info.urls,
  };
  if (info.controlUrl) conn.controlUrl = info.controlUrl;
  if (info.bootstrap) conn.bootstrap = info.bootstrap;
  return conn;
}

/**
 * The connection of a standard test service, or undefined after calling `t.skip()` (only outside
 * CI, only when Java or Maven is missing): `const os = requireService(t, 'opensearch2'); if (!os) return;`
 * Throws (the test fails) when the service should be there but is not.
 */
export function requireService(t: TestContext, name: StandardServiceName): ServiceConnection | undefined {
  const entry = standardService(name);
  const conn = fromEnv(entry) ?? fromState(entry);
  if (conn) return conn;
  const reason =
    process.env[entry.env.error] ??
    `${name} is not running: npm test starts it when a test under test/integration/ is selected ` +
      `(unless SLUICE_TEST_SERVICES leaves it out); by hand: ${startCommand(name)}`;
  if (process.env.CI === 'true') throw new Error(`${name} is required in CI: ${reason}`);
  const missing = missingToolsReason();
  if (missing) {
    t.skip(`needs Java and Maven: ${missing}`);
    return undefined;
  }
  throw new Error(reason);
}

/**
 * Stops or starts node `node` (0-based) of a running standard cluster through its control API and
 * waits until the node's port refuses connections (stop) or it answers again (start).
 */
export function controlCluster(
  name: StandardServiceName,
  action: 'stop' | 'start',
  node: number,
): Promise<string> {
  return controlClusterImpl(name, action, node);
}

/** One line per node: "K running" or "K closed". */
export function clusterNodeStatus(name: StandardServiceName): Promise<string> {
  return controlClusterImpl(name, 'status');
}

/**
 * Restarts a whole standard service (same ports, data kept) and resolves when it is healthy again.
 * Other test files running at the same time share the service: use it only in tests that own the
 * service for their duration (the failure-test clusters opensearch2-3nodes and opensearch2-q1).
 */
export async function restartService(name: StandardServiceName): Promise<void> {
  await restartServiceImpl(name);
}
