/**
 * A bound on the JSON nesting of search and count bodies, checked iteratively before anything
 * recursive sees them (the structured clone to the replica worker, the query and aggregation
 * parsers): ES's JSON parser refuses documents nested deeper than 1000 levels
 * (`StreamReadConstraints.maxNestingDepth`), so no request can exhaust the stack here either.
 */
import { contentParseError } from '../../search-engine-error.js';

export const MAX_REQUEST_NESTING = 1000;

export function checkRequestNesting(body: unknown, limit = MAX_REQUEST_NESTING): void {
  if (typeof body !== 'object' || body === null) return;
  const pending: [unknown, number][] = [[body, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (depth > limit) {
      throw contentParseError(
        `Document nesting depth (${depth}) exceeds the maximum allowed (${limit}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
      );
    }
    const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
}
