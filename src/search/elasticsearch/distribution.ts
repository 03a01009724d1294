/**
 * Which cluster answers, from `GET /`, and what follows from it. Asked once per engine; every
 * difference between Elasticsearch 7/8/9 and OpenSearch 1/2/3 that the adapter hides is decided
 * here, so the rest of the adapter asks capabilities, not versions.
 */
import { SearchEngineError } from '../search-engine-error.js';

export interface Distribution {
  readonly name: 'elasticsearch' | 'opensearch';
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  /** How to open a point in time: ES's `_pit`, OpenSearch's `_search/point_in_time`, or none (scroll). */
  readonly pointInTime: 'elasticsearch' | 'opensearch' | undefined;
  /**
   * The sort tiebreaker of a scan: `_id` (resumable with a new point in time or without one) where
   * sorting on `_id` is allowed; `_shard_doc` on ES 8+, which refuses `_id` sorts by default.
   */
  readonly scanTiebreaker: '_id' | '_shard_doc';
  /**
   * ES 8/9 accept and answer `application/vnd.elasticsearch+json; compatible-with=8`: the adapter
   * is written against 8's REST API, so 9 answers it as 8 does. Undefined elsewhere.
   */
  readonly compatibleWith: number | undefined;
  /**
   * Index templates: composable (`_index_template`, ES 7.8+, every OpenSearch) or only the legacy
   * `_template` API (ES 7.0-7.7), onto which the adapter maps the contract's composable templates.
   */
  readonly indexTemplates: 'composable' | 'legacy';
  /**
   * Data streams: every OpenSearch, ES 8/9, and ES 7.9+ in the default distribution (an X-Pack
   * basic feature). ES OSS builds (and the test runner's ES 7.10, whose `build_flavor` is
   * `unknown`) refuse `data_stream` in a template ("unknown field [data_stream]") and have no
   * `_data_stream` API.
   */
  readonly dataStreams: boolean;
}

/** The `GET /` answer of ES or OpenSearch as a Distribution. */
export function detectDistribution(info: unknown): Distribution {
  const version = (info as { version?: Record<string, unknown> } | null)?.version;
  const number = typeof version?.number === 'string' ? version.number : undefined;
  const match = number === undefined ? null : /^(\d+)\.(\d+)/.exec(number);
  if (number === undefined || match === null) {
    throw new SearchEngineError(
      'illegal_state_exception',
      'the URL does not answer like Elasticsearch or OpenSearch (GET / has no version.number)',
      502,
    );
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (version?.distribution === 'opensearch') {
    const pit = major > 2 || (major === 2 && minor >= 4);
    return {
      name: 'opensearch',
      version: number,
      major,
      minor,
      pointInTime: pit ? 'opensearch' : undefined,
      scanTiebreaker: '_id',
      compatibleWith: undefined,
      indexTemplates: 'composable',
      dataStreams: true,
    };
  }
  if (major < 7 || major > 9) {
    throw new SearchEngineError(
      'illegal_state_exception',
      `Elasticsearch ${number} is not supported (7.x, 8.x and 9.x are)`,
      400,
    );
  }
  // Point in time came with 7.10 in the default (x-pack) distribution; OSS builds lack it and
  // route POST /<index>/_pit to the document API, so it is never probed blindly.
  const flavor = version?.build_flavor;
  const pit = major >= 8 || (minor >= 10 && flavor === 'default');
  return {
    name: 'elasticsearch',
    version: number,
    major,
    minor,
    pointInTime: pit ? 'elasticsearch' : undefined,
    scanTiebreaker: major >= 8 ? '_shard_doc' : '_id',
    compatibleWith: major >= 8 ? 8 : undefined,
    indexTemplates: major >= 8 || minor >= 8 ? 'composable' : 'legacy',
    dataStreams: major >= 8 || (minor >= 9 && flavor === 'default'),
  };
}

export function describeDistribution(d: Distribution): string {
  return `${d.name === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} ${d.version}`;
}
