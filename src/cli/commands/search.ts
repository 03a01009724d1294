import type { Command } from 'commander';
import type { SearchRequest, SearchResponse } from '../../search/search-request.js';
import { CliUsageError, nonNegativeInteger } from '../cli-error.js';
import { engineUrl, URL_OPTION_HELP } from '../engine-option.js';
import { openReadEngine } from '../read-engine.js';
import { cellText, flatten, renderTable } from '../text-table.js';

export interface SearchOptions {
  readonly url?: string;
  readonly size?: number;
  readonly sort?: string;
  readonly fields?: string;
  readonly json?: boolean;
}

const BODY_KEYS = new Set([
  'query',
  'aggs',
  'aggregations',
  'size',
  'from',
  'sort',
  '_source',
  'track_total_hits',
  'search_after',
]);

/**
 * Builds the request body from the command line: no query matches everything; text is an
 * Elasticsearch query string (`status:500 AND path:/pay*`); `{...}` is JSON: a whole search body
 * when it has body keys (query, aggs, size...), otherwise a query clause.
 */
export function searchBody(query: string | undefined, options: SearchOptions): SearchRequest {
  let body: Record<string, unknown>;
  const text = query?.trim() ?? '';
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new CliUsageError(`the query looks like JSON but does not parse: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new CliUsageError('a JSON query must be an object');
    const keys = Object.keys(parsed);
    body = keys.some((k) => BODY_KEYS.has(k))
      ? { ...(parsed as Record<string, unknown>) }
      : { query: parsed };
  } else {
    body = text.length === 0 ? { query: { match_all: {} } } : { query: { query_string: { query: text } } };
  }
  if (options.size !== undefined) body.size = options.size;
  if (options.sort !== undefined) {
    body.sort = options.sort.split(',').map((s) => {
      const [field, order] = s.split(':');
      return order === undefined ? field : { [field as string]: { order } };
    });
  }
  return body as SearchRequest;
}

/** The readable form: a hits line, a table of hits, and one table per aggregation. */
export function renderSearch(response: SearchResponse, fields: readonly string[] | undefined): string {
  const total = response.hits.total;
  const count =
    total === undefined
      ? ''
      : `${total.value.toLocaleString('en-US')}${total.relation === 'gte' ? '+' : ''} hits, `;
  const out = [`${count}showing ${response.hits.hits.length} (took ${response.took} ms)`];
  const flat = response.hits.hits.map((h) => flatten(h._source ?? {}));
  if (flat.length > 0) {
    const columns = fields ?? [...new Set(flat.flatMap((f) => Object.keys(f)))].slice(0, 8);
    const rows = response.hits.hits.map((h, i) => [
      h._index,
      h._id,
      h._score === null || h._score === undefined ? '' : h._score.toFixed(2),
      ...columns.map((c) => cellText(flat[i]?.[c])),
    ]);
    out.push('', renderTable(['index', 'id', 'score', ...columns], rows));
  }
  for (const [name, agg] of Object.entries(response.aggregations ?? {})) {
    out.push('', `aggregation "${name}":`, renderAggregation(agg as Record<string, unknown>));
  }
  return out.join('\n');
}

function renderAggregation(agg: Record<string, unknown>): string {
  const buckets = agg.buckets;
  if (!Array.isArray(buckets)) return `  ${JSON.stringify(agg)}`;
  const rows = buckets.map((b: Record<string, unknown>) => {
    const { key, key_as_string, doc_count, ...subs } = b;
    const metrics = Object.entries(subs)
      .map(
        ([k, v]) =>
          `${k}=${cellText((v as { value?: unknown })?.value ?? (v as { buckets?: unknown[] })?.buckets?.length ?? v)}`,
      )
      .join(' ');
    return [cellText(key_as_string ?? key), cellText(doc_count), metrics];
  });
  return renderTable(['key', 'doc_count', 'sub-aggregations'], rows, 80);
}

export function registerSearchCommand(program: Command): void {
  program
    .command('search')
    .description('search an index: an Elasticsearch query string or a JSON query DSL body')
    .argument('<index>', 'index name or pattern (weblogs-*, a,b, _all)')
    .argument(
      '[query...]',
      'query string (status:500 AND path:/pay*) or JSON ({"query":{...},"aggs":{...}}); none matches all',
    )
    .option('--url <url>', URL_OPTION_HELP)
    .option(
      '-n, --size <n>',
      'number of hits to show (0: counts and aggregations only)',
      nonNegativeInteger('--size'),
    )
    .option('--sort <field:order>', 'sort, e.g. @timestamp:desc (comma-separate several)')
    .option('--fields <a,b,c>', 'columns to show (dot paths into the documents)')
    .option('--json', 'print the Elasticsearch JSON response (for scripts)')
    .addHelpText(
      'after',
      `
Examples:
  $ sluice search 'weblogs-*' 'status:500'
  $ sluice search weblogs-stats '{"query":{"range":{"p95_latency_ms":{"gte":500}}}}' --size 5
  $ sluice search 'weblogs-*' '{"size":0,"aggs":{"by_status":{"terms":{"field":"status"}}}}'
  $ sluice search 'weblogs-*' --sort @timestamp:desc --json | jq .hits.total

When a sluice serves the data directory (sluice demo, sluice run --serve), the search goes to it
over HTTP; otherwise the directory is opened here. No data there: exit code 1, nothing is created.`,
    )
    .action(async (index: string, query: string[], options: SearchOptions) => {
      const body = searchBody(query.join(' '), options);
      const engine = await openReadEngine(engineUrl(options.url));
      if (engine.remote) process.stderr.write(`(asking ${engine.source})\n`);
      try {
        const response = await engine.search(index, body);
        const fields = options.fields?.split(',').map((f) => f.trim());
        process.stdout.write(
          `${options.json ? JSON.stringify(response, null, 2) : renderSearch(response, fields)}\n`,
        );
      } finally {
        await engine.close();
      }
    });
}
