/**
 * Composable index templates and data streams as the SearchEngine contract has them (ES's REST
 * JSON of `PUT/GET/DELETE _index_template/<name>` and `GET/DELETE _data_stream/<name>`), and the
 * one rule every engine and the search sink share: which template applies to a new index.
 *
 * Matching (ES 7.8+, OpenSearch): of the templates with an index pattern matching the index name
 * (`*` matches any run of characters), the one with the highest `priority` (default 0) applies,
 * and only that one; two templates of the same priority may not have overlapping patterns (ES
 * refuses to store the second), so the choice is never ambiguous.
 */
import type { IndexMappings } from './index-admin.js';

/** The body of `PUT _index_template/<name>`. */
export interface IndexTemplate {
  readonly index_patterns: readonly string[];
  /** What a new index gets; an index creation request's own mappings and settings are merged over it. */
  readonly template?: {
    readonly mappings?: IndexMappings | Readonly<Record<string, unknown>>;
    readonly settings?: Readonly<Record<string, unknown>>;
  };
  readonly priority?: number;
  /** `{}`: a write to a matching name that does not exist creates a data stream instead of an index. */
  readonly data_stream?: Readonly<Record<string, unknown>>;
  /** Component templates; the embedded engine has none (it answers `[]`, refuses others). */
  readonly composed_of?: readonly string[];
  readonly version?: number;
  readonly _meta?: Readonly<Record<string, unknown>>;
}

/** One entry of `GET _index_template[/<name>]` (`{ index_templates: [...] }`). */
export interface IndexTemplateEntry {
  readonly name: string;
  readonly index_template: IndexTemplate;
}

/** One entry of `GET _data_stream[/<name>]` (`{ data_streams: [...] }`). */
export interface DataStreamInfo {
  readonly name: string;
  readonly timestamp_field: { readonly name: string };
  /** The backing indices, oldest first; the last is the write index. */
  readonly indices: readonly { readonly index_name: string; readonly index_uuid: string }[];
  readonly generation: number;
  readonly status?: string;
  /** The template that created it. */
  readonly template?: string;
}

/** Whether `name` matches the template pattern `pattern` (`*` wildcards only, as ES's index patterns). */
export function indexPatternMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`).test(name);
}

/** Whether some index name matches both patterns (ES refuses such templates at the same priority). */
export function indexPatternsOverlap(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const walk = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === '*') result = walk(i + 1, j) || (j < b.length && walk(i, j + 1));
    else if (b[j] === '*') result = walk(i, j + 1) || (i < a.length && walk(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && walk(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return walk(0, 0);
}

/** The template that applies to a new index named `index`, if any (see the file comment). */
export function matchingTemplate(
  templates: readonly IndexTemplateEntry[],
  index: string,
): IndexTemplateEntry | undefined {
  let best: IndexTemplateEntry | undefined;
  for (const entry of templates) {
    if (!entry.index_template.index_patterns.some((p) => indexPatternMatches(p, index))) continue;
    if (best === undefined || (entry.index_template.priority ?? 0) > (best.index_template.priority ?? 0))
      best = entry;
  }
  return best;
}
