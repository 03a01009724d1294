// The public API of the `sluice` package. Re-exports only.

export { installEnvironmentHooks } from './api/environment-hooks.js';
export * from './api/index.js';
export { dataGenSource } from './connectors/datagen/source.js';
export { createWebAccessGenerator, type WebAccessEvent } from './connectors/datagen/web-access-generator.js';
export { fileSink } from './connectors/file/sink.js';
export { fileSource } from './connectors/file/source.js';
export {
  type HttpIngestSourceOptions,
  httpIngestSource,
  IngestHub,
  installIngestHub,
} from './connectors/http-ingest/index.js';
export { type KafkaRecord, kafkaSink, kafkaSource } from './connectors/kafka/index.js';
export { printSink } from './connectors/print/sink.js';
export { searchSink } from './connectors/search/sink.js';
export { socketTextSource } from './connectors/socket/source.js';
export { stdinSource } from './connectors/stdin/source.js';
export type { Collector } from './core/collector.js';
export { DEAD_LETTERS, type DeadLetter } from './core/dead-letter.js';
export {
  ConfigError,
  InvalidRecordError,
  JobCancelledError,
  OperatorError,
  reject,
  SluiceError,
} from './core/errors.js';
export type { Key, KeySelector } from './core/key.js';
export type { Operator, OperatorContext, Output } from './core/operator.js';
export { OutputTag } from './core/output-tag.js';
export type { RecordBatch } from './core/record-batch.js';
export type { Sink, SinkContext, SinkWriter } from './core/sink.js';
export type { Source, SourceContext, SourceReader } from './core/source.js';
export * from './formats/access-log.js';
export type * from './operators/process-function.js';
export { type CheckpointOptions, readJobCheckpoint } from './runtime/job-checkpointer.js';
export type { JobClient, JobResult } from './runtime/job-client.js';
export type { JobMetricsSnapshot } from './runtime/job-metrics.js';
export { EmbeddedSearchEngine } from './search/embedded/embedded-engine.js';
export * from './search/index.js';
export { DEFAULT_ENGINE_URL, openSearchEngine, parseEngineUrl } from './search/open-search-engine.js';
export type { IngestApiOptions } from './server/ingest-api.js';
export { DEFAULT_SEARCH_PORT, serveSearchApi } from './server/serve.js';
export * from './state/index.js';
export * from './time/index.js';
export * from './window/index.js';
