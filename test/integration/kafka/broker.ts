/**
 * The Kafka brokers for these tests: the shared test services (test/support/services.ts,
 * `kafka4` = Kafka 4.1.1 on 127.0.0.1:9092, `kafka3` = 3.9.1 on 127.0.0.1:9192), and for the
 * broker-restart test a private broker this test file starts, restarts and stops itself (the
 * shared ones serve other test files at the same time). Topics get unique names, so runs never
 * share data.
 */
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import { startService, stopService } from '../../../scripts/services/index.mjs';
import { platformaticKafka } from '../../../src/connectors/kafka/client/platformatic-client.js';
import { requireService, restartService } from '../../support/services.js';

export type BrokerName = 'kafka4' | 'kafka3';

export interface Broker {
  readonly name: string;
  readonly bootstrap: string;
}

export function requireBroker(t: TestContext, name: BrokerName): Broker | undefined {
  const conn = requireService(t, name);
  if (!conn) return undefined;
  return { name, bootstrap: conn.bootstrap ?? conn.url };
}

export interface PrivateBroker extends Broker {
  /** Stops and starts the broker (same port, data kept); resolves when it is healthy again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a Kafka 4.1 broker of this test's own on `port` (needs Java and Maven, like the services). */
export async function privateBroker(name: string, port: number): Promise<PrivateBroker> {
  const started = await startService({ kind: 'kafka', name, version: '4.1', port, heapMb: 384 });
  return {
    name,
    bootstrap: started.bootstrap ?? started.url,
    restart: async () => {
      await restartService(name as BrokerName);
    },
    stop: async () => {
      await stopService(name, { purge: true });
    },
  };
}

/** Creates a topic with a unique name and returns the name. */
export async function createTopic(broker: Broker, prefix: string, partitions: number): Promise<string> {
  const topic = `${prefix}-${randomUUID().slice(0, 8)}`;
  const admin = platformaticKafka.admin({ bootstrap: broker.bootstrap.split(','), clientId: 'sluice-test' });
  try {
    await admin.createTopic(topic, partitions);
  } finally {
    await admin.close();
  }
  return topic;
}

/** Produces records (value JSON text or raw string) to exact partitions, acknowledged. */
export async function produce(
  broker: Broker,
  topic: string,
  records: ReadonlyArray<{ partition: number; value: string; timestampMs?: number; key?: string }>,
): Promise<void> {
  const producer = platformaticKafka.producer({
    bootstrap: broker.bootstrap.split(','),
    clientId: 'sluice-test',
    idempotent: true,
    compression: 'none',
    acks: -1,
  });
  try {
    for (let i = 0; i < records.length; i += 1_000) {
      await producer.send(
        records.slice(i, i + 1_000).map((r) => ({
          topic,
          partition: r.partition,
          value: Buffer.from(r.value),
          ...(r.key === undefined ? {} : { key: Buffer.from(r.key) }),
          ...(r.timestampMs === undefined ? {} : { timestampMs: r.timestampMs }),
        })),
      );
    }
  } finally {
    await producer.close();
  }
}
