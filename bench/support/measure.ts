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
