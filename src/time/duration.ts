/**
 * Durations are plain numbers of milliseconds everywhere in sluice (names end in `Ms`). These
 * helpers only make call sites read like Flink's `Time.minutes(1)`.
 */
export const milliseconds = (n: number): number => n;
export const seconds = (n: number): number => n * 1000;
export const minutes = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;
export const days = (n: number): number => n * 86_400_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "500ms", "10s", "1m", "2h", "1d" or a bare number of ms (CLI flags, config files). */
export function parseDurationMs(text: string): number {
  // Trimmed first: `\s*` on both sides of an optional unit made a space run followed by junk
  // quadratic (1 + 65,536 spaces + "x" took 13 s).
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) {
    const shown = text.length > 100 ? `${text.slice(0, 100)}...` : text;
    throw new RangeError(`not a duration: "${shown}" (use e.g. 500ms, 10s, 1m, 2h, 1d)`);
  }
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1));
}
