/**
 * A reader process for embedded-engine.cross-process.test.ts and embedded-reader.test.ts: opens
 * the data directory given as argument (with the engine, or with `read-only` as second argument
 * with EmbeddedReader) and answers one JSON search request per stdin line with one JSON line
 * `{ total, ids }` (or `{ error }`), so the test drives it step by step without sleeping.
 */
import readline from 'node:readline';
import { EmbeddedSearchEngine } from './embedded-engine.js';
import { EmbeddedReader } from './embedded-reader.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: cross-process-reader.fixture.ts <dataDir> [read-only]');
const engine =
  process.argv[3] === 'read-only'
    ? EmbeddedReader.open({ dataDir })
    : await EmbeddedSearchEngine.open({ dataDir });
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const { pattern, body } = JSON.parse(line) as { pattern: string; body: Record<string, unknown> };
  try {
    const response = await engine.search(pattern, body);
    process.stdout.write(
      `${JSON.stringify({ total: response.hits.total?.value, ids: response.hits.hits.map((h) => h._id).sort() })}\n`,
    );
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`);
  }
}
await engine.close();
