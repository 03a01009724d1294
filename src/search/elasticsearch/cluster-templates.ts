/**
 * Index templates and data streams on a cluster, per distribution (distribution.ts):
 * - composable templates (`_index_template`, ES 7.8+, OpenSearch 1/2/3) are passed as they are;
 * - ES 7.0-7.7 has only legacy templates: the contract's composable template is stored as
 *   `_template/<name>` with `order` = `priority` (legacy templates merge by order instead of one
 *   winning; a template that has to win alone needs a priority above the others there);
 * - data streams exist on OpenSearch, ES 8/9 and ES 7.9+ default distribution; elsewhere a
 *   template with `data_stream` is refused here with a message saying why (the cluster's own
 *   answer, "unknown field [data_stream]", does not), `getDataStreams` answers none and
 *   `deleteDataStream` finds none.
 * Called by ClusterSearchEngine, which owns the transport and the detection.
 */
import type { AcknowledgedResponse } from '../index-admin.js';
import type { DataStreamInfo, IndexTemplate, IndexTemplateEntry } from '../index-template.js';
import { illegalArgument, indexNotFound, SearchEngineError } from '../search-engine-error.js';
import { errorFromBody } from './cluster-errors.js';
import type { ClusterAnswer, ClusterRequest, ClusterRequestOptions } from './cluster-transport.js';
import { type Distribution, describeDistribution } from './distribution.js';

export interface TemplateRequests {
  send<T>(request: ClusterRequest): Promise<T>;
  answer<T>(request: ClusterRequest, options: ClusterRequestOptions): Promise<ClusterAnswer<T>>;
}

const path = (prefix: string, name: string | undefined): string =>
  name === undefined ? prefix : `${prefix}/${encodeURIComponent(name)}`;

const isConcrete = (pattern: string): boolean =>
  !pattern.includes('*') && pattern !== '_all' && !pattern.includes(',');

export function noDataStreams(d: Distribution): SearchEngineError {
  return illegalArgument(
    `${describeDistribution(d)} has no data streams (they are an X-Pack basic feature of the default distribution from Elasticsearch 7.9, and part of every OpenSearch); this cluster refuses [data_stream] in an index template`,
  );
}

export async function putIndexTemplate(
  r: TemplateRequests,
  d: Distribution,
  name: string,
  template: IndexTemplate,
): Promise<AcknowledgedResponse> {
  if (template.data_stream !== undefined && !d.dataStreams) throw noDataStreams(d);
  if (d.indexTemplates === 'composable')
    return r.send({ method: 'PUT', path: path('/_index_template', name), body: template });
  const { priority, template: body, index_patterns, version } = template;
  return r.send({
    method: 'PUT',
    path: path('/_template', name),
    body: {
      index_patterns,
      ...(priority === undefined ? {} : { order: priority }),
      ...(version === undefined ? {} : { version }),
      ...body,
    },
  });
}

export async function getIndexTemplates(
  r: TemplateRequests,
  d: Distribution,
  name: string | undefined,
): Promise<IndexTemplateEntry[]> {
  if (d.indexTemplates === 'composable') {
    // A wildcard that matches nothing is answered 404 with an empty list (ES 7.10, OpenSearch).
    const answer = await r.answer<{ index_templates?: IndexTemplateEntry[] }>(
      { method: 'GET', path: path('/_index_template', name) },
      { ignore: [404] },
    );
    if (Array.isArray(answer.body.index_templates)) return answer.body.index_templates;
    throw errorFromBody(answer.body, answer.statusCode);
  }
  let legacy: Record<string, Record<string, unknown>>;
  try {
    legacy = await r.send({ method: 'GET', path: path('/_template', name) });
  } catch (e) {
    // ES 7 answers a missing legacy template with 404 and an empty body.
    if (e instanceof SearchEngineError && e.status === 404 && name !== undefined)
      throw new SearchEngineError(
        'resource_not_found_exception',
        `index template matching [${name}] not found`,
        404,
      );
    throw e;
  }
  return Object.entries(legacy).map(([templateName, t]) => {
    const { order, index_patterns, version, settings, mappings } = t as {
      order?: number;
      index_patterns: string[];
      version?: number;
      settings?: Record<string, unknown>;
      mappings?: Record<string, unknown>;
    };
    return {
      name: templateName,
      index_template: {
        index_patterns,
        template: { ...(settings ? { settings } : {}), ...(mappings ? { mappings } : {}) },
        ...(order === undefined ? {} : { priority: order }),
        ...(version === undefined ? {} : { version }),
      },
    };
  });
}

export async function deleteIndexTemplate(
  r: TemplateRequests,
  d: Distribution,
  name: string,
): Promise<AcknowledgedResponse> {
  const prefix = d.indexTemplates === 'composable' ? '/_index_template' : '/_template';
  return r.send({ method: 'DELETE', path: path(prefix, name) });
}

export async function getDataStreams(
  r: TemplateRequests,
  d: Distribution,
  pattern: string | undefined,
): Promise<DataStreamInfo[]> {
  if (!d.dataStreams) {
    if (pattern !== undefined && isConcrete(pattern)) throw indexNotFound(pattern);
    return [];
  }
  const answer = await r.send<{ data_streams: DataStreamInfo[] }>({
    method: 'GET',
    path: path('/_data_stream', pattern),
  });
  return answer.data_streams;
}

export async function deleteDataStream(
  r: TemplateRequests,
  d: Distribution,
  name: string,
): Promise<AcknowledgedResponse> {
  if (!d.dataStreams) throw indexNotFound(name);
  return r.send({ method: 'DELETE', path: path('/_data_stream', name) });
}
