/**
 * The real documents of the differential test, read from ../shared/data (beside the project):
 * the 10,000-line Apache access log parsed with the project's own parser, and the 500 NGINX Plus
 * status snapshots. Each data set has the explicit mapping both engines get, so dynamic mapping
 * plays no part in the comparison. Document ids are line numbers (1-based).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAccessLogLine } from '../../../../src/formats/access-log.js';
import type { CreateIndexOptions } from '../../../../src/search/index-admin.js';

export const DATA_DIR = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));

export interface DataSet {
  readonly name: 'weblogs' | 'nginx';
  readonly options: CreateIndexOptions;
  readonly docs: readonly Record<string, unknown>[];
}

/** Why the data cannot be read, or undefined when it can. */
export function missingData(): string | undefined {
  for (const file of ['apache_logs', 'nginxplus_json_logs.ndjson'])
    if (!existsSync(`${DATA_DIR}${file}`))
      return `the real data is missing: ${DATA_DIR}${file} (../shared/data beside the project)`;
  return undefined;
}

const ONE_SHARD = { number_of_shards: 1, number_of_replicas: 0 };

export function weblogs(): DataSet {
  const lines = readFileSync(`${DATA_DIR}apache_logs`, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const docs = lines.map((line) => {
    const e = parseAccessLogLine(line);
    return {
      '@timestamp': new Date(e.timestampMs).toISOString(),
      ip: e.ip,
      method: e.method,
      path: e.path,
      request: `${e.method} ${e.path}`,
      protocol: e.protocol,
      status: e.status,
      bytes: e.bytes,
      // Left out when the log has "-", so exists/missing have something to find.
      ...(e.referrer === '-' ? {} : { referrer: e.referrer }),
      ...(e.userAgent === '-' ? {} : { agent: e.userAgent }),
    };
  });
  return {
    name: 'weblogs',
    docs,
    options: {
      settings: ONE_SHARD,
      mappings: {
        dynamic: 'strict',
        properties: {
          '@timestamp': { type: 'date' },
          ip: { type: 'keyword' },
          method: { type: 'keyword' },
          path: { type: 'keyword' },
          request: { type: 'text' },
          protocol: { type: 'keyword' },
          status: { type: 'integer' },
          bytes: { type: 'long' },
          referrer: { type: 'keyword' },
          agent: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
        },
      },
    },
  };
}

export function nginx(): DataSet {
  const docs = readFileSync(`${DATA_DIR}nginxplus_json_logs.ndjson`, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const long = { type: 'long' } as const;
  return {
    name: 'nginx',
    docs,
    options: {
      settings: ONE_SHARD,
      mappings: {
        // The per-zone and per-upstream objects have host names as keys: kept in _source only.
        dynamic: false,
        properties: {
          version: long,
          nginx_version: { type: 'keyword' },
          address: { type: 'keyword' },
          generation: long,
          load_timestamp: { type: 'date', format: 'epoch_millis' },
          timestamp: { type: 'date', format: 'epoch_millis' },
          pid: long,
          processes: { properties: { respawned: long } },
          connections: { properties: { accepted: long, dropped: long, active: long, idle: long } },
          ssl: { properties: { handshakes: long, handshakes_failed: long, session_reuses: long } },
          requests: { properties: { total: long, current: long } },
        },
      },
    },
  };
}
