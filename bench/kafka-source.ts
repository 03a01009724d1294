/**
 * Kafka -> map/filter -> a discarding sink, against the bare client consuming the same topic in
 * the same run: records/s of each and their ratio (target >= 0.8).
 * Usage: node --import tsx bench/kafka-source.ts [bootstrap=127.0.0.1:9092] [records=200000]
 * Each consuming phase gives up after PHASE_TIMEOUT_MS (a broker that lost records, a stuck job).
 */
import { Consumer } from '@platformatic/kafka';
import { StreamEnvironment } from '../src/api/stream-environment.js';
import { kafkaSource } from '../src/connectors/kafka/source.js';
import { produceTopic } from './support/kafka-topic.js';

const bootstrap = process.argv[2] ?? '127.0.0.1:9092';
const total = Number(process.argv[3] ?? 200_000);
const topic = `bench-${process.pid}-${Date.now()}`;
const PHASE_TIMEOUT_MS = 300_000;

function checkDeadline(deadlineMs: number, what: string, n: number): void {
  if (performance.now() > deadlineMs)
    throw new Error(`${what}: ${n} of ${total} records in ${PHASE_TIMEOUT_MS} ms`);
}

await produceTopic(bootstrap, topic, 3, total, (j) => ({
  partition: j % 3,
  value: Buffer.from(JSON.stringify({ n: j, path: `/p/${j % 50}`, status: j % 7 === 0 ? 500 : 200 })),
}));

async function bare(): Promise<number> {
  const consumer = new Consumer({
    groupId: `bare-${topic}`,
    clientId: 'bench',
    bootstrapBrokers: [bootstrap],
  });
  const start = performance.now();
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  // The loop only ends on a record: close the stream at the deadline so it cannot wait forever.
  const timer = setTimeout(() => void stream.close(), PHASE_TIMEOUT_MS);
  let n = 0;
  for await (const m of stream) {
    JSON.parse(m.value.toString('utf8'));
    if (++n >= total) break;
  }
  clearTimeout(timer);
  if (n < total) throw new Error(`bare client: ${n} of ${total} records in ${PHASE_TIMEOUT_MS} ms`);
  const s = (performance.now() - start) / 1000;
  await stream.close();
  await consumer.close(true);
  return n / s;
}

async function sluice(): Promise<number> {
  const env = StreamEnvironment.create({ log: () => {} });
  let seen = 0;
  env
    .fromSource(
      kafkaSource<{ status: number; path: string }>({
        bootstrap,
        topics: [topic],
        startFrom: 'earliest',
        valueOnly: true,
      }),
    )
    .filter((e) => e.status !== 404)
    .map((e) => e.path)
    .sinkTo({ name: 'discard', createWriter: () => ({ write: (b) => void (seen += b.values.length) }) });
  const start = performance.now();
  const client = env.executeAsync();
  const deadlineMs = start + PHASE_TIMEOUT_MS;
  while (seen < total) {
    checkDeadline(deadlineMs, 'sluice', seen);
    await new Promise((r) => setTimeout(r, 5));
  }
  const s = (performance.now() - start) / 1000;
  await client.stop();
  return seen / s;
}

const b1 = await bare();
const s1 = await sluice();
const b2 = await bare();
const s2 = await sluice();
const bareRate = Math.max(b1, b2);
const sluiceRate = Math.max(s1, s2);
console.log(`node ${process.version}, ${total} records, 3 partitions`);
console.log(`bare client (JSON.parse each): ${Math.round(b1)} / ${Math.round(b2)} rec/s`);
console.log(`sluice kafka -> filter -> map -> discard: ${Math.round(s1)} / ${Math.round(s2)} rec/s`);
console.log(`ratio (best of two each): ${(sluiceRate / bareRate).toFixed(2)}`);
