/**
 * The SearchEngine contract on a real Elasticsearch (7, 8, 9) or OpenSearch (1, 2, 3) cluster.
 * Requests and answers are already ES's REST JSON, so most methods are one request; what differs
 * between distributions (point in time, `_type` in 7.x answers, error type spellings, ES 8/9
 * compatibility headers) is decided once per engine from `GET /` (distribution.ts) and hidden
 * here. Failures are the contract's errors: SearchEngineError with the cluster's error body,
 * SearchConnectionError with a code when the cluster cannot be reached.
 *
 * The engine contacts the cluster only when first used, so a job whose cluster is still starting
 * can be built; the first request (and every request until one succeeds) asks `GET /` first.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { BulkAction, BulkOptions, BulkResponse } from '../bulk.js';
import { bulkRequestBody } from '../bulk-ndjson.js';
import type { ClusterConnection } from '../connection.js';
import type {
  AcknowledgedResponse,
  CreateIndexOptions,
  CreateIndexResponse,
  GetMappingResponse,
  IndexInfo,
  RefreshResponse,
} from '../index-admin.js';
import type { DataStreamInfo, IndexTemplate, IndexTemplateEntry } from '../index-template.js';
import type { RawAnswer, RawRequest, RawRequestEngine } from '../raw-request.js';
import { SearchEngineError } from '../search-engine-error.js';
import type {
  CountRequest,
  CountResponse,
  GetResponse,
  MgetResponse,
  ScanOptions,
  ScanPage,
  SearchRequest,
  SearchResponse,
} from '../search-request.js';
import { errorFromBody } from './cluster-errors.js';
import { scanCluster } from './cluster-scan.js';
import * as templates from './cluster-templates.js';
import { type ClusterRequest, type ClusterRequestOptions, ClusterTransport } from './cluster-transport.js';
import { type Distribution, describeDistribution, detectDistribution } from './distribution.js';
import {
  shapeBulkResponse,
  shapeGetResponse,
  shapeMgetResponse,
  shapeSearchResponse,
} from './response-shape.js';

export interface ClusterSearchEngineOptions {
  /** Where warnings go (TLS verification off); default: stderr. */
  readonly log?: (line: string) => void;
}

/** `/<pattern>` with the pattern URL-encoded (commas and wildcards stay meaningful to the cluster). */
function indexPath(pattern: string): string {
  return pattern.length === 0 ? '' : `/${encodeURIComponent(pattern)}`;
}

export class ClusterSearchEngine implements RawRequestEngine {
  private readonly transport: ClusterTransport;
  private detected: Promise<Distribution> | undefined;
  private closed = false;

  private constructor(
    readonly connection: ClusterConnection,
    options: ClusterSearchEngineOptions,
  ) {
    this.transport = new ClusterTransport(
      connection,
      options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    );
  }

  static async open(
    connection: ClusterConnection,
    options: ClusterSearchEngineOptions = {},
  ): Promise<ClusterSearchEngine> {
    return new ClusterSearchEngine(connection, options);
  }

  /** Which cluster answers (asked once; asked again after a failed attempt). */
  distribution(): Promise<Distribution> {
    if (this.detected === undefined) {
      const attempt = this.transport
        .request<unknown>({ method: 'GET', path: '/' })
        .then((answer) => detectDistribution(answer.body));
      attempt.catch(() => {
        if (this.detected === attempt) this.detected = undefined;
      });
      this.detected = attempt;
    }
    return this.detected;
  }

  /** e.g. "OpenSearch 2.19.1 at http://127.0.0.1:9200 (no auth)". */
  async describe(): Promise<string> {
    return `${describeDistribution(await this.distribution())} at ${this.connection.describe()}`;
  }

  private async send<T>(request: ClusterRequest, options: ClusterRequestOptions = {}): Promise<T> {
    return (await this.answer<T>(request, options)).body;
  }

  private async answer<T>(request: ClusterRequest, options: ClusterRequestOptions = {}) {
    if (this.closed)
      throw new SearchEngineError('illegal_state_exception', 'the cluster engine is closed', 500);
    const distribution = await this.distribution();
    const headers = compatibilityHeaders(distribution, request.ndjson !== undefined);
    return this.transport.request<T>(request, {
      ...options,
      ...(headers === undefined ? {} : { headers: { ...headers, ...options.headers } }),
    });
  }

  async createIndex(name: string, options: CreateIndexOptions = {}): Promise<CreateIndexResponse> {
    return this.send({ method: 'PUT', path: indexPath(name), body: options });
  }

  async deleteIndex(name: string): Promise<AcknowledgedResponse> {
    return this.send({ method: 'DELETE', path: indexPath(name) });
  }

  async indexExists(name: string): Promise<boolean> {
    const answer = await this.answer({ method: 'HEAD', path: indexPath(name) }, { ignore: [404] });
    return answer.statusCode === 200;
  }

  async listIndices(pattern?: string): Promise<IndexInfo[]> {
    const rows = await this.send<IndexInfo[]>({
      method: 'GET',
      path: `/_cat/indices${pattern === undefined ? '' : indexPath(pattern)}`,
      querystring: { format: 'json', s: 'index' },
    });
    return rows.map((row) => ({
      ...row,
      'docs.count': row['docs.count'] ?? '0',
      'docs.deleted': row['docs.deleted'] ?? '0',
    }));
  }

  async getMapping(pattern: string): Promise<GetMappingResponse> {
    return this.send({ method: 'GET', path: `${indexPath(pattern)}/_mapping` });
  }

  private readonly templateRequests: templates.TemplateRequests = {
    send: (request) => this.send(request),
    answer: (request, options) => this.answer(request, options),
  };

  async putIndexTemplate(name: string, template: IndexTemplate): Promise<AcknowledgedResponse> {
    return templates.putIndexTemplate(this.templateRequests, await this.distribution(), name, template);
  }

  async getIndexTemplates(name?: string): Promise<IndexTemplateEntry[]> {
    return templates.getIndexTemplates(this.templateRequests, await this.distribution(), name);
  }

  async deleteIndexTemplate(name: string): Promise<AcknowledgedResponse> {
    return templates.deleteIndexTemplate(this.templateRequests, await this.distribution(), name);
  }

  async getDataStreams(pattern?: string): Promise<DataStreamInfo[]> {
    return templates.getDataStreams(this.templateRequests, await this.distribution(), pattern);
  }

  async deleteDataStream(name: string): Promise<AcknowledgedResponse> {
    return templates.deleteDataStream(this.templateRequests, await this.distribution(), name);
  }

  async bulk(actions: readonly BulkAction[], options: BulkOptions = {}): Promise<BulkResponse> {
    if (actions.length === 0) return { took: 0, errors: false, items: [] };
    const response = await this.send<BulkResponse>(
      {
        method: 'POST',
        path: '/_bulk',
        ndjson: bulkRequestBody(actions, options.serialized),
        querystring: { refresh: options.refresh === undefined ? undefined : String(options.refresh) },
      },
      { maxRetries: 0, ...(options.signal === undefined ? {} : { signal: options.signal }) },
    );
    return shapeBulkResponse(response);
  }

  async get(index: string, id: string): Promise<GetResponse> {
    const answer = await this.answer<GetResponse & { error?: unknown }>(
      { method: 'GET', path: `${indexPath(index)}/_doc/${encodeURIComponent(id)}` },
      { ignore: [404] },
    );
    if (answer.body.error !== undefined) throw errorFromBody(answer.body, answer.statusCode);
    return shapeGetResponse(answer.body);
  }

  async mget(index: string, ids: readonly string[]): Promise<MgetResponse> {
    const response = await this.send<MgetResponse>({
      method: 'POST',
      path: `${indexPath(index)}/_mget`,
      body: { ids },
    });
    const failed = response.docs.find((d) => (d as { error?: unknown }).error !== undefined);
    if (failed !== undefined) throw errorFromBody(failed, 404);
    return shapeMgetResponse(response);
  }

  async count(pattern: string, body?: CountRequest): Promise<CountResponse> {
    return this.send({
      method: 'POST',
      path: `${indexPath(pattern)}/_count`,
      ...(body === undefined ? {} : { body }),
    });
  }

  async search(pattern: string, body: SearchRequest = {}): Promise<SearchResponse> {
    const response = await this.send<SearchResponse>({
      method: 'POST',
      path: `${indexPath(pattern)}/_search`,
      body,
    });
    return shapeSearchResponse(response);
  }

  async refresh(pattern: string): Promise<RefreshResponse> {
    return this.send({ method: 'POST', path: `${indexPath(pattern)}/_refresh` });
  }

  async *scan(pattern: string, options: ScanOptions = {}): AsyncIterable<ScanPage> {
    const distribution = await this.distribution();
    yield* scanCluster(
      {
        post: (path, body, querystring) =>
          this.send({ method: 'POST', path, ...(body === undefined ? {} : { body }), querystring }),
        delete: async (path, body) => {
          await this.send({ method: 'DELETE', path, body });
        },
        matchesNothing: async () => (await this.listIndices(pattern)).length === 0,
      },
      distribution,
      indexPath(pattern),
      options,
    );
  }

  async forward(request: RawRequest): Promise<RawAnswer> {
    if (this.closed)
      throw new SearchEngineError('illegal_state_exception', 'the cluster engine is closed', 500);
    const ndjson = request.contentType?.includes('ndjson') ?? false;
    const headers = compatibilityHeaders(await this.distribution(), ndjson);
    return this.transport.forward({
      method: request.method,
      path: request.path,
      querystring: request.querystring,
      body: request.body,
      headers: {
        'content-type': request.contentType ?? 'application/json',
        ...headers,
      },
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.transport.close();
  }

  toString(): string {
    return `ClusterSearchEngine ${this.connection.describe()}`;
  }
}

/** ES 8/9: ask for 8's REST API (9 then answers as 8 does); nothing for ES 7 and OpenSearch. */
function compatibilityHeaders(d: Distribution, ndjson: boolean): IncomingHttpHeaders | undefined {
  if (d.compatibleWith === undefined) return undefined;
  const json = `application/vnd.elasticsearch+json; compatible-with=${d.compatibleWith}`;
  return {
    accept: json,
    'content-type': ndjson
      ? `application/vnd.elasticsearch+x-ndjson; compatible-with=${d.compatibleWith}`
      : json,
  };
}
