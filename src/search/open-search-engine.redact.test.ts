import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.js';
import { openSearchEngine, parseEngineUrl } from './open-search-engine.js';

describe('engine URLs in errors', () => {
  it('never echo a password or API key from --url', async () => {
    const failures: unknown[] = [];
    try {
      parseEngineUrl('ftp://admin:hunter2@es.local:9200/?api_key=AKIA1234');
    } catch (e) {
      failures.push(e);
    }
    await openSearchEngine('https://admin:hunter2@es.local:9200/?api_key=AKIA1234').then(
      async (s) => s.release(),
      (e: unknown) => failures.push(e),
    );
    // A cluster URL opens lazily (no request yet); if it fails, its error is checked too.
    assert.ok(failures.length >= 1);
    for (const e of failures) {
      assert.ok(e instanceof ConfigError);
      assert.ok(!e.message.includes('hunter2') && !e.message.includes('AKIA1234'), e.message);
      assert.match(e.message, /\*\*\*@es\.local/);
    }
  });
});
