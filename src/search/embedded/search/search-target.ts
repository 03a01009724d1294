import type { MemoryIndex } from '../index/memory-index.js';
import type { IndexMapping } from '../mapping/index-mapping.js';

/** One index as a search sees it: its columns, its mapping, and a way to load stored sources. */
export interface SearchTarget {
  readonly name: string;
  readonly memory: MemoryIndex;
  readonly mapping: IndexMapping;
  readonly maxResultWindow: number;
  /** The stored `_source` of a live document. */
  source(doc: number): Record<string, unknown>;
}
