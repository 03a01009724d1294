import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import type { SourceReader } from '../../core/source.js';
import {
  eventually,
  type FakeSourceContext,
  fakeSourceContext,
  readBatch,
} from '../../testing/connector-contexts.js';
import { socketTextSource } from './source.js';

/** A TCP server on 127.0.0.1 whose connections the test drives one by one. */
class TestServer {
  readonly connections: Socket[] = [];
  private constructor(readonly server: Server) {
    server.on('connection', (socket) => {
      socket.on('error', () => {});
      this.connections.push(socket);
    });
  }

  static async start(port = 0): Promise<TestServer> {
    const server = createServer();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return new TestServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async connection(index: number): Promise<Socket> {
    await eventually(() => this.connections.length > index, `connection ${index + 1}`);
    return this.connections[index]!;
  }

  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const cleanups: Array<() => Promise<void> | undefined> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function reading(
  ctx: FakeSourceContext,
  options: Parameters<typeof socketTextSource>[0],
): SourceReader<unknown> {
  const reader = socketTextSource(options).createReader(ctx);
  cleanups.push(() => reader.close?.());
  return reader;
}

async function serve(port?: number): Promise<TestServer> {
  const server = await TestServer.start(port);
  cleanups.push(() => server.stop());
  return server;
}

/**
 * Waits until the reader logged a reconnect in `delayMs` and sleeps on the clock for it, then
 * advances the clock by exactly that much (the connect timeout also sleeps on the clock, so a
 * generic "advance while it sleeps" loop would move time further than the test means to).
 */
async function waitForReconnect(
  ctx: FakeSourceContext,
  delayMs: number,
  beforeAdvance?: () => Promise<unknown>,
) {
  const planned = () => ctx.logs.some((l) => l.endsWith(`reconnecting in ${delayMs} ms`));
  await eventually(() => planned() && ctx.clock.pendingSleepers === 1, `a reconnect in ${delayMs} ms`);
  await beforeAdvance?.();
  ctx.clock.advance(delayMs);
}

describe('socketTextSource', () => {
  it('yields the lines a server sends, numbered from 1, with origin socket:host:port', async () => {
    const server = await serve();
    const ctx = fakeSourceContext();
    const source = socketTextSource({ host: '127.0.0.1', port: server.port });
    assert.equal(source.boundedness, 'unbounded');
    const reader = source.createReader(ctx);
    cleanups.push(() => reader.close?.());
    const pending = readBatch(reader);
    (await server.connection(0)).write('hello\r\nwörld\n');
    const batch = await pending;
    assert.equal(batch.origin, `socket:127.0.0.1:${server.port}`);
    assert.deepEqual([...batch.values], ['hello', 'wörld']);
    assert.deepEqual([...batch.positions], [1, 2]);
    assert.ok(ctx.logs.includes(`connected to 127.0.0.1:${server.port}`));
  });

  it('sends an over-long line to the dead letters and keeps reading', async () => {
    const server = await serve();
    const ctx = fakeSourceContext();
    const reader = reading(ctx, { host: '127.0.0.1', port: server.port, maxLineBytes: 100 });
    const pending = readBatch(reader);
    (await server.connection(0)).write(`${'x'.repeat(5_000)}\nafter\n`);
    const batch = await pending;
    assert.deepEqual([...batch.values], ['after']);
    assert.deepEqual([...batch.positions], [2]);
    assert.equal(ctx.deadLetters.length, 1);
    assert.equal(ctx.deadLetters[0]?.position, 1);
    assert.match(ctx.deadLetters[0]?.reason ?? '', /5000 bytes, longer than maxLineBytes/);
  });

  it('reconnects after the server closes the connection, continuing the line numbers', async () => {
    const server = await serve();
    const ctx = fakeSourceContext();
    const reader = reading(ctx, { host: '127.0.0.1', port: server.port, reconnectDelayMs: 250 });
    const first = readBatch(reader);
    (await server.connection(0)).end('a\nlast line without newline');
    assert.deepEqual([...(await first).values], ['a']);
    assert.deepEqual([...(await readBatch(reader)).values], ['last line without newline']);

    const pending = reader.read();
    await waitForReconnect(ctx, 250);
    (await server.connection(1)).write('c\n');
    const message = await pending;
    assert.deepEqual(message.kind === 'data' && [...message.batch.values], ['c']);
    assert.deepEqual(message.kind === 'data' && [...message.batch.positions], [3]);
    assert.ok(ctx.logs.some((l) => l.endsWith('closed the connection; reconnecting in 250 ms')));
    assert.equal(ctx.clock.nowMs(), 250, 'waited reconnectDelayMs on the job clock');
  });

  it('dead-letters a line cut off by a connection reset', async () => {
    const server = await serve();
    const ctx = fakeSourceContext();
    const reader = reading(ctx, { host: '127.0.0.1', port: server.port, reconnectDelayMs: 100 });
    const first = readBatch(reader);
    const socket = await server.connection(0);
    socket.write('whole\nhalf');
    assert.deepEqual([...(await first).values], ['whole']);
    await eventually(() => socket.bytesWritten === 10, 'the partial line to be sent');
    const pending = reader.read();
    socket.resetAndDestroy();
    await waitForReconnect(ctx, 100);
    (await server.connection(1)).write('next\n');
    const message = await pending;
    assert.deepEqual(message.kind === 'data' && [...message.batch.positions], [3]);
    assert.deepEqual(
      ctx.deadLetters.map((l) => [l.position, l.record, l.reason]),
      [[2, 'half', 'connection lost before the line was complete']],
    );
  });

  it('backs off exponentially while the server is down, then connects when it comes up', async () => {
    const probe = await TestServer.start();
    const port = probe.port;
    await probe.stop();
    const ctx = fakeSourceContext();
    const reader = reading(ctx, { host: '127.0.0.1', port, reconnectDelayMs: 100, maxReconnectDelayMs: 300 });
    const pending = reader.read();
    await waitForReconnect(ctx, 100);
    await waitForReconnect(ctx, 200);
    let server: TestServer | undefined;
    await waitForReconnect(ctx, 300, async () => {
      server = await serve(port);
    });
    assert.ok(server);
    (await server.connection(0)).write('up\n');
    const message = await pending;
    assert.deepEqual(message.kind === 'data' && [...message.batch.values], ['up']);
    assert.ok(ctx.logs.some((l) => l.startsWith(`cannot connect to 127.0.0.1:${port}: `)));
  });

  it('holds back a fast server while no read is pending (TCP backpressure), losing nothing', async () => {
    const server = await serve();
    const ctx = fakeSourceContext({ batchSize: 1000 });
    const reader = reading(ctx, { host: '127.0.0.1', port: server.port });
    const first = readBatch(reader);
    const socket = await server.connection(0);
    const lineCount = 32_768;
    const line = (i: number) => `${String(i).padStart(8, '0')} ${'y'.repeat(1014)}\n`;
    let written = 0;
    let done = false;
    const writeAll = async () => {
      while (written < lineCount) {
        if (!socket.write(line(++written))) await once(socket, 'drain');
      }
      done = true;
    };
    void writeAll();
    assert.equal((await first).values.length > 0, true);
    // A reader that buffered everything would let 32 MiB through loopback in well under this.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(done, false, `server wrote all ${written} lines although nobody read them`);

    let received = (await first).values.length;
    let lastPosition = 0;
    for (let reads = 0; received < lineCount && reads < 10_000; reads++) {
      const batch = await readBatch(reader);
      received += batch.values.length;
      lastPosition = batch.positions.at(-1)!;
      assert.equal((batch.values.at(-1) as string).slice(0, 8), String(lastPosition).padStart(8, '0'));
    }
    assert.equal(received, lineCount);
    assert.equal(lastPosition, lineCount);
    assert.equal(done, true);
  });

  it('ends promptly when the job stops, closing the connection', async () => {
    const server = await serve();
    const ctx = fakeSourceContext();
    const reader = reading(ctx, { host: '127.0.0.1', port: server.port });
    const pending = reader.read();
    const socket = await server.connection(0);
    const closed = once(socket, 'close');
    ctx.controller.abort();
    assert.equal((await pending).kind, 'end');
    await closed;
  });

  it('rejects a missing port before connecting', () => {
    assert.throws(
      () => socketTextSource({ host: 'localhost' } as never),
      /invalid socket source options: port: /,
    );
  });
});
