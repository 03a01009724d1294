import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Clock } from '../../../core/clock.js';
import { SearchEngineError } from '../../search-engine-error.js';
import { EmbeddedSearchEngine } from '../embedded-engine.js';
import { DEFAULT_SEARCH_TIMEOUT_MS, parseSearchTimeoutMs } from './deadline.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A clock that moves 1 ms forward every time it is read: work shows up as elapsed time, deterministically. */
class TickingClock implements Clock {
  reads = 0;
  constructor(private now: number) {}
  nowMs(): number {
    this.reads++;
    return this.now++;
  }
  async sleepUntil(): Promise<void> {}
}

async function engineWith(clock: Clock): Promise<EmbeddedSearchEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-timeout-'));
  dirs.push(dir);
  const engine = await EmbeddedSearchEngine.open({ dataDir: dir, replica: 'inline', clock });
  const docs = (index: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      index: { _index: index, _id: `${i}` },
      document: { v: `value-${i}` },
    }));
  await engine.bulk([...docs('a-small', 3), ...docs('b-large', 20_000)], { refresh: true });
  return engine;
}

describe('search timeouts', () => {
  it('answers timed_out with the hits of the indices searched before the deadline, and serves later requests', async () => {
    const clock = new TickingClock(Date.UTC(2024, 0, 1));
    const engine = await engineWith(clock);
    const query = { wildcard: { 'v.keyword': '*value*' } };
    const readsBefore = clock.reads;
    const partial = await engine.search('a-small,b-large', { query, timeout: '10ms', size: 100 });
    assert.equal(partial.timed_out, true);
    assert.deepEqual(
      [...new Set(partial.hits.hits.map((h) => h._index))],
      ['a-small'],
      'the small index finished in time, the large one did not',
    );
    assert.equal(partial.hits.total?.value, 3);
    // The deadline is read every 4,096 terms or documents: a 20,000-document index takes only a
    // handful of clock reads before the search gives up (not one per document).
    assert.ok(clock.reads - readsBefore <= 20, `${clock.reads - readsBefore} clock reads`);

    const full = await engine.search('a-small,b-large', { query, size: 0 });
    assert.equal(full.timed_out, false);
    assert.equal(full.hits.total?.value, 10_000);
    assert.equal((await engine.count('b-large', { query })).count, 20_000);
    assert.equal((await engine.listIndices()).length, 2);
    await engine.close();
  });

  it('takes ES time values and refuses others with parse_exception', () => {
    assert.equal(parseSearchTimeoutMs('250ms'), 250);
    assert.equal(parseSearchTimeoutMs('2s'), 2000);
    assert.equal(parseSearchTimeoutMs('1m'), 60_000);
    assert.equal(parseSearchTimeoutMs(undefined), DEFAULT_SEARCH_TIMEOUT_MS);
    assert.equal(parseSearchTimeoutMs('-1'), DEFAULT_SEARCH_TIMEOUT_MS);
    assert.throws(
      () => parseSearchTimeoutMs('soon'),
      (e: unknown) => e instanceof SearchEngineError && e.type === 'parse_exception' && e.status === 400,
    );
  });

  it('lets a count that passes the default deadline answer timeout_exception, then serves the next one', async () => {
    let now = 0;
    let fast = false;
    // Jumps past the 30 s default on every read while `fast` is set.
    const clock: Clock = {
      nowMs: () => (fast ? (now += DEFAULT_SEARCH_TIMEOUT_MS) : now),
      sleepUntil: async () => {},
    };
    const engine = await engineWith(clock);
    fast = true;
    await assert.rejects(engine.count('b-large', { query: { exists: { field: 'v' } } }), (e: unknown) => {
      return e instanceof SearchEngineError && e.type === 'timeout_exception';
    });
    fast = false;
    assert.equal((await engine.count('b-large')).count, 20_000);
    await engine.close();
  });
});
