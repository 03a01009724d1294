/**
 * The Kafka broker for these tests. With the project's test services (test/support/services.ts:
 * `requireService(t, 'kafka4' | 'kafka3')`), that; `SLUICE_TEST_KAFKA_BOOTSTRAP` (host:port) points
 * the tests at a broker started by hand instead. Topics get unique names, so runs never share data.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { platformaticKafka } from '../../../src/connectors/kafka/client/platformatic-client.js';

export type BrokerName = 'kafka4' | 'kafka3';

export interface Broker {
  readonly name: BrokerName;
  readonly bootstrap: string;
  /** Stops and starts the broker (its data kept); resolves when it answers again. */
  restart(): Promise<void>;
}

interface ServicesModule {
  requireService(t: TestContext, name: string): { bootstrap?: string; url: string } | undefined;
  restartService?(name: string): Promise<unknown>;
}

const servicesPath = new URL('../../support/services.ts', import.meta.url);

export async function requireBroker(t: TestContext, name: BrokerName): Promise<Broker | undefined> {
  const override = process.env.SLUICE_TEST_KAFKA_BOOTSTRAP;
  if (override && name === 'kafka4') {
    return {
      name,
      bootstrap: override,
      restart: () => restartByCommand(process.env.SLUICE_TEST_KAFKA_RESTART),
    };
  }
  if (!existsSync(servicesPath)) {
    t.skip(`no test services in this checkout and no SLUICE_TEST_KAFKA_BOOTSTRAP for ${name}`);
    return undefined;
  }
  const services = (await import(servicesPath.href)) as ServicesModule;
  const conn = services.requireService(t, name);
  if (!conn) return undefined;
  return {
    name,
    bootstrap: conn.bootstrap ?? conn.url,
    restart: async () => {
      if (!services.restartService) throw new Error('the test services cannot restart a broker');
      await services.restartService(name);
    },
  };
}

async function restartByCommand(command: string | undefined): Promise<void> {
  if (!command) throw new Error('set SLUICE_TEST_KAFKA_RESTART to a command that restarts the broker');
  const { execSync } = await import('node:child_process');
  execSync(command, { stdio: 'inherit', timeout: 120_000 });
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
