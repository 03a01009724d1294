/**
 * One index as a searchable copy holds it: its mapping and its in-memory columns, built from the
 * document rows in SQLite. Shared by the engine's replica (replica/index-replica.ts, which keeps
 * every index current) and the read-only reader (embedded-reader.ts, which builds only the
 * indices a request targets).
 */
import { MemoryIndex } from '../index/memory-index.js';
import { parseIndexSettings } from '../index-settings.js';
import { parseDocument } from '../mapping/document-parser.js';
import { IndexMapping } from '../mapping/index-mapping.js';
import type { SearchTarget } from '../search/search-target.js';
import type { DocRow, IndexRow } from '../store/sqlite-store.js';

export interface ReplicaIndex {
  readonly idx: number;
  readonly name: string;
  readonly maxResultWindow: number;
  mapping: IndexMapping;
  mappingVersion: number;
  readonly memory: MemoryIndex;
}

/** An empty copy of the index in `row`; its documents come from `applyDocRow`. */
export function replicaIndex(row: IndexRow): ReplicaIndex {
  const settings = parseIndexSettings(JSON.parse(row.settings));
  return {
    idx: row.idx,
    name: row.name,
    maxResultWindow: settings.maxResultWindow,
    mapping: IndexMapping.fromJson(JSON.parse(row.mappings), settings.mappingLimits),
    mappingVersion: row.mapping_version,
    memory: new MemoryIndex(),
  };
}

/** Indexes one stored row (a tombstone removes the id). */
export function applyDocRow(index: ReplicaIndex, row: DocRow): void {
  if (row.source === null) {
    index.memory.remove(row.id);
    return;
  }
  const source = JSON.parse(row.source) as Record<string, unknown>;
  try {
    index.memory.put(row.id, row.seq, parseDocument(index.mapping, source, row.id), row.source.length);
  } catch {
    // The writer validated this document against the mapping committed with it, so this only
    // happens if the row was written by an incompatible version: keep the index searchable.
    index.memory.remove(row.id);
  }
}

/** The index as a search reads it; `source(seq)` reads a stored `_source` (null: none). */
export function searchTargetOf(
  index: ReplicaIndex,
  source: (seq: number) => string | null | undefined,
): SearchTarget {
  return {
    name: index.name,
    memory: index.memory,
    mapping: index.mapping,
    maxResultWindow: index.maxResultWindow,
    source: (doc: number) => JSON.parse(source(index.memory.seqs[doc]!) ?? '{}') as Record<string, unknown>,
  };
}
