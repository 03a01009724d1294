import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchEngine } from '../search/search-engine.js';
import { LazySearchEngine } from './lazy-search-engine.js';

/** Just enough of an engine to tell calls apart. */
function stubEngine(): SearchEngine {
  return { listIndices: async () => [], close: async () => {} } as unknown as SearchEngine;
}

describe('LazySearchEngine', () => {
  it('opens nothing until first used, then opens once and shares the engine', async () => {
    let opens = 0;
    const lazy = new LazySearchEngine(async () => {
      opens++;
      return { engine: stubEngine(), release: async () => {} };
    });
    assert.equal(lazy.isOpen, false);
    await Promise.all([lazy.listIndices(), lazy.listIndices()]);
    await lazy.listIndices();
    assert.equal(opens, 1);
    assert.equal(lazy.isOpen, true);
  });

  it('answers a failed open with its reason, tries again on the next call, and releases on close', async () => {
    let attempts = 0;
    let released = 0;
    const lazy = new LazySearchEngine(async () => {
      attempts++;
      if (attempts === 1) throw new Error('the SQLite driver is not installed');
      return {
        engine: stubEngine(),
        release: async () => {
          released++;
        },
      };
    });
    await assert.rejects(lazy.listIndices(), /SQLite driver is not installed/);
    assert.deepEqual(await lazy.listIndices(), []);
    assert.equal(attempts, 2);
    await lazy.close();
    assert.equal(released, 1);
    await assert.rejects(lazy.listIndices(), /closed/);
  });

  it('closes without opening when it was never used', async () => {
    let opens = 0;
    const lazy = new LazySearchEngine(async () => {
      opens++;
      return { engine: stubEngine(), release: async () => {} };
    });
    await lazy.close();
    assert.equal(opens, 0);
  });
});
