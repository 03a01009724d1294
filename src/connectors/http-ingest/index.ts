export type { HttpIngestSourceConfig, HttpIngestSourceOptions } from './config.js';
export { httpIngestSourceSchema, ingestStreamNameSchema } from './config.js';
export { type IngestBodyFormat, IngestBodyParser } from './ingest-body.js';
export { currentIngestHub, type IngestEndpoint, IngestHub, installIngestHub } from './ingest-hub.js';
export {
  IngestAbandonedError,
  type IngestEntry,
  IngestTicket,
  type IngestWait,
  isRejected,
} from './ingest-queue.js';
export { httpIngestSource, httpIngestSourceFromConfig } from './source.js';
