/**
 * Resolves ES index expressions against the existing index names: `name`, `a,b`, wildcards
 * (`weblogs-*`), exclusions (`-weblogs-old`), `_all` and `*`. A concrete name that does not exist
 * fails with `index_not_found_exception`; a wildcard matching nothing contributes nothing, so a
 * search over it answers an empty result, as ES does with its default `allow_no_indices`.
 */
import { indexNotFound } from '../search-engine-error.js';
import { starPattern } from './wildcard.js';

export function resolveIndexPattern(pattern: string | undefined, names: readonly string[]): string[] {
  const expression = (pattern ?? '').trim();
  if (expression === '' || expression === '_all' || expression === '*') return [...names].sort();
  const selected = new Set<string>();
  for (const raw of expression.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    if (part.startsWith('-') && selected.size > 0) {
      const test = starPattern(part.slice(1));
      for (const name of [...selected]) if (test(name)) selected.delete(name);
      continue;
    }
    if (part.includes('*')) {
      const test = starPattern(part);
      for (const name of names) if (test(name)) selected.add(name);
      continue;
    }
    if (part === '_all') {
      for (const name of names) selected.add(name);
      continue;
    }
    if (!names.includes(part)) throw indexNotFound(part);
    selected.add(part);
  }
  return [...selected].sort();
}
