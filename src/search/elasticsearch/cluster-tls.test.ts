/**
 * TLS to a cluster, against a local HTTPS server whose certificate (for 127.0.0.1) is signed by a
 * test CA (test/fixtures/tls, valid for 100 years): trusted through a CA file, pinned by the CA's
 * fingerprint, refused without either, accepted with `insecure` (which warns).
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ClusterConnection, type SearchConnectionOptions } from '../connection.js';
import { SearchConnectionError } from '../search-engine-error.js';
import { ClusterSearchEngine } from './cluster-engine.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/tls/', import.meta.url));
const caFile = `${dir}ca.pem`;
const caPem = readFileSync(caFile, 'utf8');
let server: Server;
let url: string;

before(async () => {
  server = createServer(
    { key: readFileSync(`${dir}server.key`), cert: `${readFileSync(`${dir}server.pem`, 'utf8')}${caPem}` },
    (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        req.url === '/'
          ? JSON.stringify({ version: { distribution: 'opensearch', number: '2.19.1' } })
          : JSON.stringify({ count: 1, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } }),
      );
    },
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

async function countWith(
  options: Omit<SearchConnectionOptions, 'url'>,
  log: string[] = [],
): Promise<unknown> {
  const engine = await ClusterSearchEngine.open(ClusterConnection.resolve({ url, ...options }), {
    log: (l) => log.push(l),
  });
  try {
    return (await engine.count('x')).count;
  } catch (e) {
    return e;
  } finally {
    await engine.close();
  }
}

test('a CA file makes the cluster certificate trusted', async () => {
  assert.equal(await countWith({ tls: { caFile } }), 1);
});

test("the CA's SHA-256 fingerprint pins the cluster without a CA file, and a wrong one is refused", async () => {
  const fingerprint = new X509Certificate(caPem).fingerprint256;
  assert.equal(await countWith({ tls: { caFingerprint: fingerprint } }), 1);
  const wrong = await countWith({
    maxRetries: 0,
    tls: { caFingerprint: fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00') },
  });
  assert.ok(wrong instanceof SearchConnectionError, String(wrong));
  assert.match(wrong.message, /fingerprint does not match/);
});

test('an unknown CA is refused, and insecure accepts it with a warning', async () => {
  const refused = await countWith({ maxRetries: 0 }); // a retry cannot fix a certificate
  assert.ok(refused instanceof SearchConnectionError, String(refused));
  assert.notEqual(
    refused.code,
    'ECONNREFUSED',
    'a TLS failure is not a connection refusal a retry could fix',
  );
  const log: string[] = [];
  assert.equal(await countWith({ tls: { insecure: true } }, log), 1);
  assert.match(log.join('\n'), /TLS certificate verification is OFF/);
});
