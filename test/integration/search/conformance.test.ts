/**
 * The SearchEngine conformance suite (src/search/conformance) against real clusters: OpenSearch
 * 2.19, OpenSearch 3.8 and Elasticsearch 7.10, through the cluster adapter. Index names carry a
 * prefix unique to this run and every suite deletes what it created. Whether a cluster has data
 * streams is asked of the cluster (data-stream-probe.ts); ES 7.10 here has none.
 */

import { describeSearchEngineConformance } from '../../../src/search/conformance/search-engine-conformance.js';
import { ClusterConnection } from '../../../src/search/connection.js';
import { ClusterSearchEngine } from '../../../src/search/elasticsearch/cluster-engine.js';
import { CLUSTERS, findCluster, RUN_PREFIX } from './cluster-services.js';
import { probeDataStreams } from './data-stream-probe.js';

for (const cluster of CLUSTERS) {
  const found = findCluster(cluster.name);
  // Asked of the cluster: without data streams the suite checks that they are refused instead.
  const dataStreams = 'url' in found ? (await probeDataStreams(found.url, RUN_PREFIX)).supported : true;
  describeSearchEngineConformance(
    cluster.label,
    async () =>
      ClusterSearchEngine.open(ClusterConnection.resolve('url' in found ? found.url : 'http://unused')),
    {
      indexPrefix: `${RUN_PREFIX}${cluster.name}-`,
      dataStreams,
      ...('skip' in found ? { skip: found.skip } : {}),
    },
  );
}
