export { type CollectedRecord, CollectSink, collectSink } from './collect/sink.js';
export type { DataGenSourceConfig, DataGenSourceOptions } from './datagen/config.js';
export { dataGenSourceSchema } from './datagen/config.js';
export { dataGenSource, dataGenSourceFromConfig } from './datagen/source.js';
export {
  createWebAccessGenerator,
  type WebAccessEvent,
  WebAccessGenerator,
  type WebAccessGeneratorOptions,
} from './datagen/web-access-generator.js';
export type { FileSinkConfig, FileSinkOptions, FileSourceConfig, FileSourceOptions } from './file/config.js';
export { fileConnectionSchema, fileSinkSchema, fileSourceSchema } from './file/config.js';
export { fileSink, fileSinkFromConfig } from './file/sink.js';
export { fileSource, fileSourceFromConfig } from './file/source.js';
export { optionsFromFlags } from './flag-options.js';
export * from './http-ingest/index.js';
export * from './kafka/index.js';
export type { PrintSinkConfig } from './print/config.js';
export { printSinkSchema } from './print/config.js';
export { formatForPrint, type PrintSinkOptions, printSink, printSinkFromConfig } from './print/sink.js';
export {
  type SinkConnector,
  type SinkConnectorName,
  type SourceConnector,
  type SourceConnectorName,
  sinkConnector,
  sinkConnectors,
  sinkFromFlags,
  sourceConnector,
  sourceConnectors,
  sourceFromFlags,
} from './registry.js';
export type { SocketTextSourceConfig, SocketTextSourceOptions } from './socket/config.js';
export { socketConnectionSchema, socketStreamSchema, socketTextSourceSchema } from './socket/config.js';
export { socketTextSource, socketTextSourceFromConfig } from './socket/source.js';
export type { StdinSourceConfig } from './stdin/config.js';
export { stdinSourceSchema } from './stdin/config.js';
export { type StdinSourceOptions, stdinSource, stdinSourceFromConfig } from './stdin/source.js';
export type { CsvOptions, CsvOptionsInput, CsvRow, TextFormat } from './text/format-config.js';
export { DEFAULT_MAX_LINE_BYTES } from './text/line-splitter.js';
