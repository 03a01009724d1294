import { type IndexSettings, parseIndexSettings } from './index-settings.js';
import { IndexMapping } from './mapping/index-mapping.js';
import type { IndexRow } from './store/sqlite-store.js';

/**
 * An index as the writer holds it: its SQLite identity, settings and the mapping new documents are
 * validated against (grown by dynamic mapping, persisted with the documents that grew it).
 */
export interface OpenIndex {
  readonly idx: number;
  readonly name: string;
  readonly uuid: string;
  readonly createdMs: number;
  readonly settings: IndexSettings;
  mapping: IndexMapping;
  mappingVersion: number;
}

export function openIndexFromRow(row: IndexRow): OpenIndex {
  const settings = parseIndexSettings(JSON.parse(row.settings));
  return {
    idx: row.idx,
    name: row.name,
    uuid: row.uuid,
    createdMs: row.created_ms,
    settings,
    mapping: IndexMapping.fromJson(JSON.parse(row.mappings), settings.mappingLimits),
    mappingVersion: row.mapping_version,
  };
}
