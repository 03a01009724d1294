import type { OutgoingKafkaRecord } from '../../src/connectors/kafka/client/kafka-client.js';
import { platformaticKafka } from '../../src/connectors/kafka/client/platformatic-client.js';

/**
 * Creates `topic` with `partitions` partitions and fills it with `total` records, `record(j)` for
 * j = 0..total-1, sent 1,000 at a time through a plain producer (acks 1, not idempotent): the
 * Kafka benches' input, produced before anything is timed.
 */
export async function produceTopic(
  bootstrap: string,
  topic: string,
  partitions: number,
  total: number,
  record: (j: number) => Omit<OutgoingKafkaRecord, 'topic'>,
): Promise<void> {
  const admin = platformaticKafka.admin({ bootstrap: [bootstrap], clientId: 'bench' });
  await admin.createTopic(topic, partitions);
  await admin.close();
  const producer = platformaticKafka.producer({
    bootstrap: [bootstrap],
    clientId: 'bench',
    idempotent: false,
    compression: 'none',
    acks: 1,
  });
  try {
    for (let i = 0; i < total; i += 1_000) {
      const records: OutgoingKafkaRecord[] = [];
      for (let j = i; j < Math.min(total, i + 1_000); j++) records.push({ topic, ...record(j) });
      await producer.send(records);
    }
  } finally {
    await producer.close();
  }
}
