import type { IndexInfo } from '../index-admin.js';

/** One `_cat/indices?format=json` row of the embedded engine (one primary shard, no replicas). */
export function indexInfo(
  name: string,
  uuid: string,
  docsCount: number,
  docsDeleted: number,
  storeBytes: number,
): IndexInfo {
  const size = formatBytes(storeBytes);
  return {
    health: 'green',
    status: 'open',
    index: name,
    uuid,
    pri: '1',
    rep: '0',
    'docs.count': String(docsCount),
    'docs.deleted': String(docsDeleted),
    'store.size': size,
    'pri.store.size': size,
  };
}

/** ES's `_cat` byte sizes: `512b`, `1.5kb`, `58.2mb`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}b`;
  const units = ['kb', 'mb', 'gb', 'tb'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1))}${units[unit]}`;
}
