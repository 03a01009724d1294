/** Command-line flags and latency percentiles for the benchmarks. */
export function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

export function percentileMs(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function latency(
  name: string,
  runs: number,
  run: (i: number) => Promise<unknown>,
  warmupRuns = 20,
): Promise<number> {
  for (let i = 0; i < warmupRuns; i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  const p99 = percentileMs(samples, 99);
  console.log(
    `${name.padEnd(34)} p50 ${percentileMs(samples, 50).toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms   (${runs} runs)`,
  );
  return p99;
}

/** The engine calls the latency benchmarks need (a SearchEngine has them). */
interface Searchable {
  search(pattern: string, body: Record<string, unknown>): Promise<unknown>;
}

const MATCH_WORDS = [
  'timeout',
  'error retry',
  'cache miss',
  'payment order',
  'slow backend',
  'login session',
];

/**
 * Issue 3's two query latencies on the `weblogs` index: a `match` query and a `terms` +
 * `date_histogram` aggregation; prints p50/p99 and the verdict against the p99 < 100 ms target.
 */
export async function searchLatencies(engine: Searchable, runs: number): Promise<void> {
  const matchP99 = await latency('match (message, size 10)', runs, (i) =>
    engine.search('weblogs', { query: { match: { message: MATCH_WORDS[i % MATCH_WORDS.length] } } }),
  );
  const aggP99 = await latency('terms(status) > date_histogram(1h)', runs, () =>
    engine.search('weblogs', {
      size: 0,
      aggs: {
        status: {
          terms: { field: 'status' },
          aggs: { per_hour: { date_histogram: { field: '@timestamp', fixed_interval: '1h' } } },
        },
      },
    }),
  );
  console.log(
    `p99 target < 100 ms: match ${matchP99 < 100 ? 'met' : 'NOT met'}, aggregation ${aggP99 < 100 ? 'met' : 'NOT met'}`,
  );
}
