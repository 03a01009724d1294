// Types of the service scripts' Node API (index.mjs), for TypeScript callers such as
// test/support/services.ts.

export interface ClusterSpec {
  kind: 'cluster';
  name?: string;
  engine?: 'opensearch2' | 'opensearch3' | 'es7';
  nodes?: number;
  /** HTTP port of the first node; node i gets httpPort + i - 1. */
  httpPort?: number;
  controlPort?: number;
  settings?: Record<string, string>;
  heapMb?: number;
}

export interface KafkaSpec {
  kind: 'kafka';
  name?: string;
  version?: '4.1' | '3.9';
  brokers?: number;
  port?: number;
  heapMb?: number;
}

export type ServiceSpec = ClusterSpec | KafkaSpec;

export interface ServiceInfo {
  name: string;
  kind: 'cluster' | 'kafka';
  spec: ServiceSpec;
  stateDir: string;
  logs: string[];
  /** Cluster: node URLs; Kafka: host:port of each broker. */
  urls: string[];
  /** What `start` prints: urls joined by commas. */
  url: string;
  /** Clusters: the control API of Cluster.java (/status, /stop?node=K, /start?node=K, /quit). */
  controlUrl?: string;
  /** Kafka: the bootstrap servers, comma separated. */
  bootstrap?: string;
  distribution?: 'opensearch' | 'elasticsearch';
  version: string;
}

export interface StartResult extends ServiceInfo {
  /** True when the service was already running and was reused. */
  reused: boolean;
  startMs: number;
}

export interface StartOptions {
  log?: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** How often a 'waiting' progress line is logged while starting (default 10 s). */
  progressEveryMs?: number;
}

export interface StatusResult extends Partial<ServiceInfo> {
  name: string;
  state: 'stopped' | 'starting' | 'running' | 'degraded';
  detail?: string;
  pids: number[];
}

export const DEFAULT_START_TIMEOUT_MS: number;
export function startService(spec: ServiceSpec, options?: StartOptions): Promise<StartResult>;
export function stopService(
  name: string,
  options?: { log?: (line: string) => void; graceMs?: number; purge?: boolean },
): Promise<{ name: string; wasRunning: boolean; killedPids: number[] }>;
export function serviceStatus(name: string): Promise<StatusResult>;
export function restartService(name: string, options?: StartOptions): Promise<StartResult>;
export function readRunningService(name: string): (ServiceInfo & { startedAtMs: number }) | undefined;
export function knownServices(): string[];
export function normalizeSpec(spec: ServiceSpec): ServiceSpec & { name: string };
export function controlCluster(
  name: string,
  action: 'stop' | 'start' | 'status',
  node?: number,
  options?: { timeoutMs?: number },
): Promise<string>;

export interface StandardService {
  name: string;
  spec: ServiceSpec & { name: string };
  env: { url: string; control?: string; error: string };
  description: string;
}
export const STANDARD_SERVICES: StandardService[];
export function standardService(name: string): StandardService;
export function serviceEnv(name: string, info: ServiceInfo): Record<string, string>;
export function startCommand(name: string): string;

export const ENGINES: Record<
  string,
  { distribution: string; version: string; component: string; javaMin: number; defaultHttpPort: number }
>;
export const KAFKA_VERSIONS: Record<
  string,
  { version: string; component: string; defaultPort: number; defaultName: string }
>;
export function jarCacheDir(): string;
export function servicesDir(): string;
export function stateDir(name: string): string;
export class ToolMissingError extends Error {}
export function missingToolsReason(): string | undefined;
