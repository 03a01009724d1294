/**
 * Whether a test cluster has data streams, asked of the cluster itself rather than of the
 * adapter's version rules (which the tests check): a composable template with `data_stream: {}`
 * is stored and deleted again. Elasticsearch without X-Pack (the test runner's ES 7.10 is such a
 * build) refuses it with "[index_template] unknown field [data_stream]"; that exact answer, and
 * only that, means "no data streams"; anything else unexpected throws.
 */
export type DataStreamSupport =
  | { readonly supported: true }
  | { readonly supported: false; readonly reason: string };

export async function probeDataStreams(url: string, runPrefix: string): Promise<DataStreamSupport> {
  const name = `tmpl-probe-${runPrefix.replace(/-+$/, '')}`;
  const put = await fetch(`${url}/_index_template/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ index_patterns: [`${name}-*`], priority: 1, data_stream: {} }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await put.text();
  if (put.status === 200) {
    await fetch(`${url}/_index_template/${name}`, { method: 'DELETE', signal: AbortSignal.timeout(30_000) });
    return { supported: true };
  }
  if (put.status === 400 && text.includes('unknown field [data_stream]'))
    return {
      supported: false,
      reason: `the cluster has no data streams: it refuses data_stream in an index template ("[index_template] unknown field [data_stream]": an Elasticsearch build without X-Pack)`,
    };
  throw new Error(`unexpected answer to the data stream probe (HTTP ${put.status}): ${text.slice(0, 300)}`);
}
