import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedSearchEngine } from '../search/embedded/embedded-engine.js';
import { type RunningServer, serveSearchApi } from './serve.js';

/**
 * Slow clients against the HTTP server, with raw sockets. The server's timeouts are set small
 * (200 ms, checked every 50 ms); each socket must be closed by the server. Every wait is bounded:
 * a socket the server has not closed after 10 s fails the test instead of hanging it.
 */
const GIVE_UP_MS = 10_000;

function openSocket(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** What the server sent before it closed the socket, or 'still open' after GIVE_UP_MS. */
function untilClosed(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (d) => {
      received += d.toString('latin1');
    });
    socket.on('error', () => undefined);
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve('still open');
    }, GIVE_UP_MS);
    socket.once('close', () => {
      clearTimeout(giveUp);
      resolve(received);
    });
  });
}

describe('HTTP server with slow clients', () => {
  let dir: string;
  let engine: EmbeddedSearchEngine;
  let server: RunningServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-slow-'));
    engine = await EmbeddedSearchEngine.open({ dataDir: dir });
    server = await serveSearchApi(engine, {
      port: 0,
      timeouts: {
        headersTimeoutMs: 200,
        requestTimeoutMs: 200,
        keepAliveTimeoutMs: 200,
        connectionsCheckingIntervalMs: 50,
      },
    });
  });

  after(async () => {
    await server.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes a socket whose request headers stop half-way, answering 408', async () => {
    const socket = await openSocket(server.url);
    socket.write('GET /_cat/indices HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    const received = await untilClosed(socket);
    assert.notEqual(received, 'still open');
    assert.match(received, /^HTTP\/1\.1 408/);
  });

  it('closes a socket whose request body never arrives in full', async () => {
    const socket = await openSocket(server.url);
    socket.write(
      'POST /_search HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":',
    );
    assert.notEqual(await untilClosed(socket), 'still open');
  });

  it('closes an idle keep-alive connection after a served request', async () => {
    const socket = await openSocket(server.url);
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const received = await untilClosed(socket);
    assert.match(received, /^HTTP\/1\.1 200/);
  });

  it('keeps serving ordinary requests meanwhile', async () => {
    const slow = await openSocket(server.url);
    slow.write('GET / HTTP/1.1\r\n');
    const res = await fetch(`${server.url}/_search?timeout=1s`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { timed_out: boolean }).timed_out, false);
    const bad = await fetch(`${server.url}/_search?timeout=soon`);
    assert.equal(bad.status, 400);
    slow.destroy();
  });
});
