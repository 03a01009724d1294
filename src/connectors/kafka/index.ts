export type {
  KafkaAdmin,
  KafkaClientFactory,
  KafkaConsumer,
  KafkaProducer,
  RawKafkaRecord,
  TopicPartition,
} from './client/kafka-client.js';
export { keyPartition, platformaticKafka } from './client/platformatic-client.js';
export type { KafkaFormat, KafkaSinkConfig, KafkaSourceConfig } from './config.js';
export { kafkaConnectionSchema, kafkaSinkSchema, kafkaSourceSchema } from './config.js';
export { type KafkaRecord, kafkaSplit, parseKafkaSplit } from './kafka-record.js';
export { type KafkaSinkFunctions, type KafkaSinkOptions, kafkaSink, kafkaSinkFromConfig } from './sink.js';
export { type KafkaSourceOptions, kafkaSource, kafkaSourceFromConfig } from './source.js';
