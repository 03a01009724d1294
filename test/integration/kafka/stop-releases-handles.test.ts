/**
 * A stopped Kafka source releases every socket and timer: jobs run in a child process on the real
 * broker (fixtures/stop-releases-handles.ts), which reports the resources still keeping its event
 * loop alive after each stop and must then exit by itself. The case that once failed: a stop that
 * arrives while the reader hands partitions over during a rebalance (the client then rejoined the
 * group on its closed connections and retried forever).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTopic, produce, requireBroker } from './broker.js';

const EXIT_BOUND_MS = 90_000;

/** What keeps a process alive that a stopped Kafka client could have left (stdio pipes are the test's own). */
const LEAKS = /^(TCPSocketWrap|TCPWRAP|TCPServerWrap|ConnectWrap|Timeout|Immediate|GetAddrInfoReqWrap)$/;

describe('Kafka source stop', { timeout: 180_000 }, () => {
  it('leaves no socket or timer behind after a stop, a stop during a rebalance hand-over and a bounded end; the process exits by itself', async (t) => {
    const broker = requireBroker(t, 'kafka4');
    if (!broker) return;
    const topic = await createTopic(broker, 'flagship-handles', 4);
    await produce(
      broker,
      topic,
      Array.from({ length: 40 }, (_, i) => ({ partition: i % 4, value: JSON.stringify({ i }) })),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/stop-releases-handles.ts', import.meta.url))],
      {
        env: { ...process.env, KAFKA_BOOTSTRAP: broker.bootstrap, KAFKA_TOPIC: topic },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exit = await new Promise<number | null | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), EXIT_BOUND_MS);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    if (exit === 'timeout') child.kill('SIGKILL');
    assert.notEqual(exit, 'timeout', `the child did not exit by itself:\n${stdout}\n${stderr}`);
    assert.equal(exit, 0, `child failed:\n${stdout}\n${stderr}`);
    const reports = new Map(
      [...stdout.matchAll(/^HANDLES (\S+) (.*)$/gm)].map((m) => [m[1]!, JSON.parse(m[2]!) as string[]]),
    );
    assert.deepEqual([...reports.keys()], ['stop', 'stop-during-handover', 'bounded']);
    for (const [scenario, resources] of reports) {
      assert.deepEqual(
        resources.filter((r) => LEAKS.test(r)),
        [],
        `${scenario}: resources left alive ${JSON.stringify(resources)}`,
      );
    }
    assert.match(stdout, /^BOUNDED finished 40$/m, 'the bounded job read all 40 records and ended');
  });
});
