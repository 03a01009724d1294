/**
 * What the Kafka source emits per record (unless `valueOnly`): the deserialized value with the
 * record's metadata. `timestampMs` is also the batch's event time, so windows and
 * `fromSource(..., { watermarks })` use Kafka's record timestamp without an extra assigner.
 * Header values are UTF-8 decoded; a header that appears twice keeps its last value.
 */
export interface KafkaRecord<V = unknown, K = unknown> {
  readonly key: K;
  readonly value: V;
  readonly headers: Readonly<Record<string, string>>;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
}

/** The split (and batch origin) of a partition: `kafka:<topic>/<partition>`. */
export function kafkaSplit(topic: string, partition: number): string {
  return `kafka:${topic}/${partition}`;
}

/** The topic and partition of a split name, or undefined for a name that is not a Kafka split. */
export function parseKafkaSplit(split: string): { topic: string; partition: number } | undefined {
  const match = /^kafka:(.+)\/(\d+)$/.exec(split);
  if (!match) return undefined;
  return { topic: match[1]!, partition: Number(match[2]) };
}
