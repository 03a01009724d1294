import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { ClusterConnection } from './connection.js';

test('credentials inside the URL become basic auth and leave the node URL', () => {
  const c = ClusterConnection.resolve('https://elastic:p%40ss%3Aword@es1.local:9200/');
  assert.deepEqual(c.nodes, ['https://es1.local:9200']);
  assert.deepEqual(c.auth, { username: 'elastic', password: 'p@ss:word' });
});

test('several nodes, API keys, bearer tokens, TLS and defaults are accepted', () => {
  const c = ClusterConnection.resolve({
    nodes: ['http://a:9200', 'http://b:9200', 'http://a:9200/'],
    auth: { apiKey: { id: 'kid', key: 'ksecret' } },
    tls: { caFingerprint: 'AA:'.repeat(31) + 'AA' },
  });
  assert.deepEqual(c.nodes, ['http://a:9200', 'http://b:9200']);
  assert.equal(c.requestTimeoutMs, 30_000);
  assert.equal(c.compression, false);
  assert.equal(c.tls?.insecure, false);
  assert.deepEqual(ClusterConnection.resolve({ url: 'http://a:9200', auth: { bearer: 't0k' } }).auth, {
    bearer: 't0k',
  });
});

test('bad settings are ConfigErrors that name the setting and never echo a secret', () => {
  assert.throws(() => ClusterConnection.resolve({}), ConfigError);
  assert.throws(() => ClusterConnection.resolve('ftp://x'), /http:\/\/ or https:\/\//);
  assert.throws(
    () => ClusterConnection.resolve({ url: 'http://a', tls: { caFingerprint: 'zz' } }),
    /tls.caFingerprint/,
  );
  assert.throws(() => ClusterConnection.resolve({ url: 'http://a', timeout: 1 } as never), /timeout/);
  assert.throws(
    () => ClusterConnection.resolve({ url: 'http://u:hunter2@a', auth: { bearer: 'x' } }),
    (e: Error) =>
      e instanceof ConfigError &&
      /both in the URL and as auth/.test(e.message) &&
      !e.message.includes('hunter2'),
  );
  assert.throws(
    () => ClusterConnection.resolve('http://u:hunter2@a:9200/?x=1'),
    (e: Error) => /query or fragment/.test(e.message) && !e.message.includes('hunter2'),
  );
});

test('toString, JSON and inspect show the nodes and the kind of auth, never the secret', () => {
  for (const c of [
    ClusterConnection.resolve('https://elastic:hunter2@es1:9200'),
    ClusterConnection.resolve({ url: 'https://es1:9200', auth: { apiKey: 'hunter2' } }),
    ClusterConnection.resolve({ url: 'https://es1:9200', auth: { bearer: 'hunter2' } }),
  ]) {
    for (const text of [String(c), JSON.stringify(c), inspect(c), c.shareKey()]) {
      assert.ok(text.includes('es1:9200'), text);
      assert.ok(!text.includes('hunter2'), text);
    }
  }
  assert.match(String(ClusterConnection.resolve('https://elastic:x@es1')), /basic auth as elastic/);
});

test('redact removes the password, its URL-encoded form and the basic-auth header value', () => {
  const c = ClusterConnection.resolve('https://elastic:p%40ss@es1:9200');
  const header = Buffer.from('elastic:p@ss').toString('base64');
  const text = c.redact(`failed: p@ss p%40ss Basic ${header} https://elastic:p%40ss@es1:9200/x`);
  assert.ok(!text.includes('p@ss') && !text.includes('p%40ss') && !text.includes(header), text);
});

test('engines with different credentials for one cluster do not share a key', () => {
  const a = ClusterConnection.resolve('http://u:one@a:9200');
  const b = ClusterConnection.resolve('http://u:two@a:9200');
  assert.notEqual(a.shareKey(), b.shareKey());
  assert.equal(
    a.shareKey(),
    ClusterConnection.resolve({ url: 'http://a:9200/', auth: { username: 'u', password: 'one' } }).shareKey(),
  );
});
