import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { Sink } from '../core/sink.js';
import type { Source } from '../core/source.js';
import { parseConnectorConfig } from './connector-config.js';
import { dataGenSourceSchema } from './datagen/config.js';
import { dataGenSourceFromConfig } from './datagen/source.js';
import { fileSinkSchema, fileSourceSchema } from './file/config.js';
import { fileSinkFromConfig } from './file/sink.js';
import { fileSourceFromConfig } from './file/source.js';
import { optionsFromFlags } from './flag-options.js';
import { httpIngestSourceSchema } from './http-ingest/config.js';
import { httpIngestSourceFromConfig } from './http-ingest/source.js';
import { kafkaSinkSchema, kafkaSourceSchema } from './kafka/config.js';
import { kafkaSinkFromConfig } from './kafka/sink.js';
import { kafkaSourceFromConfig } from './kafka/source.js';
import { printSinkSchema } from './print/config.js';
import { printSinkFromConfig } from './print/sink.js';
import { searchSinkSchema } from './search/config.js';
import { searchSinkFromConfig } from './search/sink.js';
import { searchSourceFromConfig, searchSourceSchema } from './search-source/config.js';
import { socketTextSourceSchema } from './socket/config.js';
import { socketTextSourceFromConfig } from './socket/source.js';
import { stdinSourceSchema } from './stdin/config.js';
import { stdinSourceFromConfig } from './stdin/source.js';

/**
 * Every connector sluice ships, by name, with the schema of its options and a factory, for building
 * connectors from strings (a later CLI flag set such as `--source file --source-option path=...`,
 * and SQL `WITH (...)` clauses); the TypeScript API calls the factories directly.
 * The collect sink is not listed: it only makes sense in code that keeps the sink object.
 */

interface ConnectorEntry<S extends z.ZodObject> {
  readonly name: string;
  /** One line for `--help` and docs. */
  readonly description: string;
  /** All options (connection and stream settings together), as flags and SQL pass them. */
  readonly schema: S;
}

export interface SourceConnector<S extends z.ZodObject = z.ZodObject> extends ConnectorEntry<S> {
  readonly kind: 'source';
  /** Validates `options` against the schema (ConfigError when invalid) and builds the source. */
  create(options: unknown): Source<unknown>;
}

export interface SinkConnector<S extends z.ZodObject = z.ZodObject> extends ConnectorEntry<S> {
  readonly kind: 'sink';
  create(options: unknown): Sink<unknown>;
}

function source<S extends z.ZodObject>(
  name: string,
  description: string,
  schema: S,
  build: (config: z.output<S>) => Source<unknown>,
): SourceConnector<S> {
  return {
    kind: 'source',
    name,
    description,
    schema,
    create: (options) => build(parseConnectorConfig(`${name} source`, schema, options)),
  };
}

function sink<S extends z.ZodObject>(
  name: string,
  description: string,
  schema: S,
  build: (config: z.output<S>) => Sink<unknown>,
): SinkConnector<S> {
  return {
    kind: 'sink',
    name,
    description,
    schema,
    create: (options) => build(parseConnectorConfig(`${name} sink`, schema, options)),
  };
}

export const sourceConnectors = {
  datagen: source(
    'datagen',
    'seeded, reproducible web-access events; rate-limited or as fast as the job goes',
    dataGenSourceSchema,
    dataGenSourceFromConfig,
  ),
  file: source(
    'file',
    'lines, NDJSON or CSV from a file, directory or glob; read once or follow',
    fileSourceSchema,
    fileSourceFromConfig,
  ),
  'http-ingest': source(
    'http-ingest',
    'records POSTed to /ingest/<stream> on the `sluice run --serve` port, as NDJSON or a JSON array',
    httpIngestSourceSchema,
    (config) => httpIngestSourceFromConfig(config),
  ),
  kafka: source(
    'kafka',
    'a Kafka topic as a consumer-group member: partitions as splits, offsets as state',
    kafkaSourceSchema,
    (config) => kafkaSourceFromConfig(config),
  ),
  search: source(
    'search',
    'an index or pattern of the embedded engine or a cluster: a sliced, resumable scan or a followed stream',
    searchSourceSchema,
    (config) => searchSourceFromConfig(config) as Source<unknown>,
  ),
  socket: source(
    'socket',
    'lines from a TCP server, reconnecting with backoff (like Spark socketTextStream)',
    socketTextSourceSchema,
    socketTextSourceFromConfig,
  ),
  stdin: source('stdin', 'lines, NDJSON or CSV from standard input', stdinSourceSchema, (config) =>
    stdinSourceFromConfig(config),
  ),
} as const;

export const sinkConnectors = {
  print: sink('print', 'one line per record on stdout (JSON for objects)', printSinkSchema, (config) =>
    printSinkFromConfig(config),
  ),
  kafka: sink(
    'kafka',
    'records to a Kafka topic; flush waits for every acknowledgement',
    kafkaSinkSchema,
    (config) => kafkaSinkFromConfig(config),
  ),
  file: sink(
    'file',
    'appends records to a file as NDJSON, fsynced on flush',
    fileSinkSchema,
    fileSinkFromConfig,
  ),
  search: sink(
    'search',
    'documents into the embedded engine or an Elasticsearch/OpenSearch cluster: bulk requests in flight, backpressure, dead-letter index',
    searchSinkSchema,
    searchSinkFromConfig,
  ),
} as const;

export type SourceConnectorName = keyof typeof sourceConnectors;
export type SinkConnectorName = keyof typeof sinkConnectors;

export function sourceConnector(name: string): SourceConnector {
  if (Object.hasOwn(sourceConnectors, name)) return sourceConnectors[name as SourceConnectorName];
  throw new ConfigError(`unknown source "${name}" (available: ${Object.keys(sourceConnectors).join(', ')})`);
}

export function sinkConnector(name: string): SinkConnector {
  if (Object.hasOwn(sinkConnectors, name)) return sinkConnectors[name as SinkConnectorName];
  throw new ConfigError(`unknown sink "${name}" (available: ${Object.keys(sinkConnectors).join(', ')})`);
}

/** Builds a source by connector name from string options, e.g. parsed `key=value` CLI flags. */
export function sourceFromFlags(name: string, flags: Readonly<Record<string, string>>): Source<unknown> {
  const connector = sourceConnector(name);
  return connector.create(optionsFromFlags(connector.schema, flags));
}

/** Builds a sink by connector name from string options. */
export function sinkFromFlags(name: string, flags: Readonly<Record<string, string>>): Sink<unknown> {
  const connector = sinkConnector(name);
  return connector.create(optionsFromFlags(connector.schema, flags));
}
