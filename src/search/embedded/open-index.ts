import { MemoryIndex } from './index/memory-index.js';
import { type IndexSettings, parseIndexSettings } from './index-settings.js';
import { IndexMapping } from './mapping/index-mapping.js';
import type { IndexRow } from './store/sqlite-store.js';

/** An index as the engine holds it: its SQLite row identity, mapping, settings and columns. */
export interface OpenIndex {
  readonly idx: number;
  readonly name: string;
  readonly uuid: string;
  readonly createdMs: number;
  readonly settings: IndexSettings;
  mapping: IndexMapping;
  mappingVersion: number;
  readonly memory: MemoryIndex;
}

export function openIndexFromRow(row: IndexRow): OpenIndex {
  return {
    idx: row.idx,
    name: row.name,
    uuid: row.uuid,
    createdMs: row.created_ms,
    settings: parseIndexSettings(JSON.parse(row.settings)),
    mapping: IndexMapping.fromJson(JSON.parse(row.mappings)),
    mappingVersion: row.mapping_version,
    memory: new MemoryIndex(),
  };
}
