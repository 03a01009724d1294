/**
 * The documents both search benchmarks index: N deterministic web-access documents (seeded PRNG,
 * identical on every run), in batches, and the explicit mapping they are indexed with. Each has a
 * `request_id` (its sequence number) so sinks can use deterministic ids from a field.
 */
/** mulberry32: a tiny seeded PRNG, so every run indexes identical documents. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WORDS =
  'request served upstream cache miss hit timeout error retry client closed connection slow backend gateway token session login logout user admin api static image script style payment order cart search product review account profile update delete create list export import report health check metrics queue worker job batch stream index document query shard replica node cluster'.split(
    ' ',
  );
const PATHS = Array.from(
  { length: 200 },
  (_, i) => `/${WORDS[i % WORDS.length]}/${WORDS[(i * 7) % WORDS.length]}/${i}`,
);
const AGENTS = Array.from(
  { length: 20 },
  (_, i) =>
    `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.${i} (KHTML, like Gecko) Chrome/${100 + i}.0 Safari/537.${i}`,
);
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE'];
const STATUSES = [200, 200, 200, 200, 200, 200, 301, 304, 404, 404, 500, 503];
const START_MS = Date.UTC(2024, 0, 1);
const SPAN_MS = 86_400_000;

/** Yields the documents in batches, identically on every call (same seed), so both writers get the same rows. */
export function* generateBatches(n: number, batchSize: number): Generator<Record<string, unknown>[]> {
  const rand = prng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  for (let from = 0; from < n; from += batchSize) {
    const docs: Record<string, unknown>[] = [];
    for (let i = from; i < Math.min(n, from + batchSize); i++) {
      const method = pick(METHODS);
      const requestPath = pick(PATHS);
      const status = pick(STATUSES);
      const words = Array.from({ length: 6 + Math.floor(rand() * 6) }, () => pick(WORDS)).join(' ');
      docs.push({
        '@timestamp': new Date(START_MS + Math.floor((i / n) * SPAN_MS)).toISOString(),
        ip: `10.${Math.floor(rand() * 20)}.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250)}`,
        method,
        path: requestPath,
        status,
        bytes: Math.floor(rand() * 50_000),
        latency_ms: Math.round(rand() * 2000 * 100) / 100,
        user_agent: pick(AGENTS),
        message: `${method} ${requestPath} ${status} ${words}`,
        request_id: String(i),
      });
    }
    yield docs;
  }
}

export const MAPPINGS = {
  properties: {
    '@timestamp': { type: 'date' },
    ip: { type: 'ip' },
    method: { type: 'keyword' },
    path: { type: 'keyword' },
    status: { type: 'integer' },
    bytes: { type: 'long' },
    latency_ms: { type: 'float' },
    user_agent: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    message: { type: 'text' },
    request_id: { type: 'keyword' },
  },
};
