import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ENGINE_URL, defaultEngineUrl, parseEngineUrl } from './engine-url.js';

test('cluster URLs are located without their credentials, paths as embedded directories', () => {
  assert.deepEqual(parseEngineUrl('https://elastic:hunter2@es:9200/'), {
    kind: 'cluster',
    target: 'https://es:9200',
  });
  assert.equal(parseEngineUrl('embedded:/tmp/x').kind, 'embedded');
  assert.equal(parseEngineUrl('./rel').kind, 'embedded');
  assert.throws(
    () => parseEngineUrl('kafka://u:hunter2@x'),
    (e: Error) => !e.message.includes('hunter2'),
  );
});

test('the default engine comes from SLUICE_URL of the given environment, which is only read', () => {
  const env = { SLUICE_URL: 'http://es:9200' };
  assert.equal(defaultEngineUrl(env), 'http://es:9200');
  assert.deepEqual(env, { SLUICE_URL: 'http://es:9200' });
  assert.equal(defaultEngineUrl({}), DEFAULT_ENGINE_URL);
  assert.equal(defaultEngineUrl({ SLUICE_URL: ' ' }), DEFAULT_ENGINE_URL);
});
