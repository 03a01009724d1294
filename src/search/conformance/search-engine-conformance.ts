/**
 * The conformance suite every SearchEngine must pass: queries, aggregations, search options,
 * bulk semantics, mappings, index administration, scans and error answers, asserted as
 * Elasticsearch/OpenSearch answer them (where an engine and a real cluster disagree, the cluster is
 * right). It uses only the contract, so it runs unchanged against the embedded engine and against
 * a cluster. Call it from a `*.test.ts` file:
 *
 *   describeSearchEngineConformance('embedded', () => EmbeddedSearchEngine.open({ dataDir }));
 *
 * `open` is called once per suite and must return an engine whose indices named `conformance-*`
 * may be created and deleted freely.
 */
import { describe } from 'node:test';
import { describeAdminConformance } from './admin.conformance.js';
import { describeAggregationConformance } from './aggregation.conformance.js';
import { describeBulkConformance } from './bulk.conformance.js';
import type { OpenEngine } from './conformance-helpers.js';
import { describeErrorConformance } from './error.conformance.js';
import { describeMappingConformance } from './mapping.conformance.js';
import { describeQueryConformance } from './query.conformance.js';
import { describeSearchOptionsConformance } from './search-options.conformance.js';

export function describeSearchEngineConformance(name: string, open: OpenEngine): void {
  describe(`SearchEngine conformance: ${name}`, () => {
    describeQueryConformance(open);
    describeSearchOptionsConformance(open);
    describeAggregationConformance(open);
    describeBulkConformance(open);
    describeMappingConformance(open);
    describeAdminConformance(open);
    describeErrorConformance(open);
  });
}
