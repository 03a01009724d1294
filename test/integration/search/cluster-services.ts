/**
 * The real clusters these tests run against. Uses test/support/services.ts (`requireService`,
 * which npm test's harness feeds) when it is there, else the URLs in SLUICE_TEST_OPENSEARCH2_URL,
 * SLUICE_TEST_OPENSEARCH3_URL and SLUICE_TEST_ES7_URL (the same variables the harness sets). With
 * CI=true a missing cluster fails the test; elsewhere it is skipped with the reason.
 */
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

export type ClusterName = 'opensearch2' | 'opensearch3' | 'es7';

export const CLUSTERS: readonly { name: ClusterName; label: string; env: string }[] = [
  { name: 'opensearch2', label: 'OpenSearch 2.19', env: 'SLUICE_TEST_OPENSEARCH2_URL' },
  { name: 'opensearch3', label: 'OpenSearch 3.8', env: 'SLUICE_TEST_OPENSEARCH3_URL' },
  { name: 'es7', label: 'Elasticsearch 7.10', env: 'SLUICE_TEST_ES7_URL' },
];

type RequireService = (t: TestContext, name: ClusterName) => { url: string } | undefined;

const supportPath = fileURLToPath(new URL('../../support/services.ts', import.meta.url));
const support: RequireService | undefined = existsSync(supportPath)
  ? ((await import(supportPath)) as { requireService: RequireService }).requireService
  : undefined;

/**
 * The cluster's URL, or why the tests are skipped (never in CI: there a missing cluster throws).
 * For registration time, before any test context exists (describe blocks).
 */
export function findCluster(name: ClusterName): { url: string } | { skip: string } {
  let skip = 'not available';
  const url = clusterUrl(
    { skip: (reason?: string) => (skip = reason ?? skip) } as unknown as TestContext,
    name,
  );
  return url === undefined ? { skip } : { url };
}

/** The cluster's URL, or undefined after `t.skip(reason)` (never in CI). */
export function clusterUrl(t: TestContext, name: ClusterName): string | undefined {
  if (support !== undefined) return support(t, name)?.url;
  const entry = CLUSTERS.find((c) => c.name === name);
  const url = entry === undefined ? undefined : process.env[entry.env];
  if (url !== undefined && url !== '') return url;
  const reason = `${name} is not running: set ${entry?.env} to its URL (npm run cluster -- start --engine ${name})`;
  if (process.env.CI === 'true') throw new Error(`${name} is required in CI: ${reason}`);
  t.skip(reason);
  return undefined;
}

/** Index names unique to this process, so runs sharing one cluster never collide. */
export const RUN_PREFIX = `t${process.pid}-${Math.floor(performance.timeOrigin).toString(36)}-`;
