/**
 * Composable index templates (stored, listed, applied to new indices, the highest priority alone,
 * the refusals) and data streams: on an engine that has them, a template with `data_stream` makes
 * the first `create` write a data stream that only takes `create`; on one that does not (the
 * embedded engine, Elasticsearch OSS builds), such a template is refused with a message saying so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SearchEngine } from '../search-engine.js';
import { type ConformanceTarget, dropIndex, expectSearchError } from './conformance-helpers.js';

export interface TemplateConformanceOptions {
  /** Whether the engine has data streams (default true, as Elasticsearch 7.9+ and OpenSearch). */
  readonly dataStreams?: boolean;
}

async function ignoreMissing(promise: Promise<unknown>): Promise<void> {
  await promise.catch((e: unknown) => {
    if ((e as { status?: number }).status !== 404) throw e;
  });
}

export function describeTemplateConformance(
  target: ConformanceTarget,
  options: TemplateConformanceOptions = {},
): void {
  const { open } = target;
  const base = target.index('conformance-tmpl');
  const LOW = `${base}-low`;
  const HIGH = `${base}-high`;
  const STREAM_TEMPLATE = `${base}-ds`;
  const STREAM = `${base}-ds-events`;
  describe('index templates and data streams', () => {
    let engine: SearchEngine;
    before(async () => {
      engine = await open();
      await ignoreMissing(engine.deleteDataStream(STREAM));
      for (const name of [LOW, HIGH, STREAM_TEMPLATE]) await ignoreMissing(engine.deleteIndexTemplate(name));
      for (const index of ['a', 'b', 'high-x', 'other'].map((s) => `${base}-${s}`))
        await dropIndex(engine, index);
      await dropIndex(engine, `${target.index('conformance-untemplated')}`);
    });
    after(async () => {
      await ignoreMissing(engine.deleteDataStream(STREAM));
      for (const index of ['a', 'b', 'high-x'].map((s) => `${base}-${s}`)) await dropIndex(engine, index);
      await dropIndex(engine, `${target.index('conformance-untemplated')}`);
      for (const name of [LOW, HIGH, STREAM_TEMPLATE]) await ignoreMissing(engine.deleteIndexTemplate(name));
      await engine.close();
    });

    test('a stored template gives its mappings and settings to an index that a write creates', async () => {
      assert.deepEqual(
        await engine.putIndexTemplate(LOW, {
          index_patterns: [`${base}-*`],
          priority: 7,
          template: {
            settings: { number_of_shards: 1, number_of_replicas: 0 },
            mappings: { properties: { status: { type: 'keyword' }, bytes: { type: 'long' } } },
          },
        }),
        { acknowledged: true },
      );
      const [stored] = await engine.getIndexTemplates(LOW);
      assert.equal(stored?.name, LOW);
      assert.deepEqual(stored?.index_template.index_patterns, [`${base}-*`]);
      assert.equal(stored?.index_template.priority, 7);
      assert.deepEqual(stored?.index_template.template?.settings, {
        index: { number_of_shards: '1', number_of_replicas: '0' },
      });
      assert.deepEqual(stored?.index_template.template?.mappings, {
        properties: { status: { type: 'keyword' }, bytes: { type: 'long' } },
      });
      assert.deepEqual(
        (await engine.getIndexTemplates(`${base}-l*`)).map((t) => t.name),
        [LOW],
      );

      const A = `${base}-a`;
      const untemplated = target.index('conformance-untemplated');
      const written = await engine.bulk(
        [
          { index: { _index: A, _id: '1' }, document: { status: 200, bytes: 10 } },
          { index: { _index: untemplated, _id: '1' }, document: { status: 200 } },
        ],
        { refresh: true },
      );
      assert.equal(written.errors, false);
      const properties = (await engine.getMapping(A))[A]?.mappings.properties;
      assert.deepEqual(properties?.status, { type: 'keyword' });
      assert.deepEqual(properties?.bytes, { type: 'long' });
      assert.deepEqual((await engine.getMapping(untemplated))[untemplated]?.mappings.properties?.status, {
        type: 'long',
      });
      assert.equal(
        (await engine.count(A, { query: { term: { status: '200' } } })).count,
        1,
        'status is a keyword: the term "200" finds it',
      );
    });

    test('an explicit creation merges its mappings over the template, and the highest priority applies alone', async () => {
      const B = `${base}-b`;
      await engine.createIndex(B, { mappings: { properties: { path: { type: 'keyword' } } } });
      const merged = (await engine.getMapping(B))[B]?.mappings.properties;
      assert.deepEqual(Object.keys(merged ?? {}).sort(), ['bytes', 'path', 'status']);

      await engine.putIndexTemplate(HIGH, {
        index_patterns: [`${base}-high-*`],
        priority: 8,
        template: { mappings: { properties: { status: { type: 'integer' } } } },
      });
      const X = `${base}-high-x`;
      const response = await engine.bulk([{ index: { _index: X, _id: '1' }, document: { status: 5 } }], {
        refresh: true,
      });
      assert.equal(response.errors, false);
      const properties = (await engine.getMapping(X))[X]?.mappings.properties;
      assert.deepEqual(properties, { status: { type: 'integer' } }, 'only the priority-8 template applies');
      assert.deepEqual((await engine.getIndexTemplates(`${base}-*`)).map((t) => t.name).sort(), [HIGH, LOW]);
    });

    test('refuses overlapping patterns at the same priority, bad names and bad mappings; a missing template is 404', async () => {
      await expectSearchError(
        engine.putIndexTemplate(`${base}-clash`, { index_patterns: [`${base}-a*`], priority: 7 }),
        {
          status: 400,
          type: 'illegal_argument_exception',
          reason: 'multiple index templates may not match during index creation',
        },
      );
      await expectSearchError(engine.putIndexTemplate('Upper', { index_patterns: ['upper-*'] }), {
        status: 400,
        type: 'invalid_index_template_exception',
        reason: 'name must be lower cased',
      });
      await expectSearchError(
        engine.putIndexTemplate(`${base}-bad`, {
          index_patterns: [`${base}-bad-*`],
          priority: 3,
          template: { mappings: { properties: { x: { type: 'no_such_type' } } } },
        }),
        { status: 400, type: 'illegal_argument_exception', reason: 'template after composition is invalid' },
      );
      await expectSearchError(engine.getIndexTemplates(`${base}-missing`), {
        status: 404,
        type: 'resource_not_found_exception',
      });
      assert.deepEqual(await engine.getIndexTemplates(`${base}-missing*`), []);
      await expectSearchError(engine.deleteIndexTemplate(`${base}-missing`), {
        status: 404,
        type: 'index_template_missing_exception',
      });
      assert.deepEqual(await engine.deleteIndexTemplate(HIGH), { acknowledged: true });
      await expectSearchError(engine.getIndexTemplates(HIGH), { status: 404 });
    });

    if (options.dataStreams ?? true) {
      test('a data stream template makes the first create a data stream that takes only create', async () => {
        await engine.putIndexTemplate(STREAM_TEMPLATE, {
          index_patterns: [`${base}-ds-*`],
          priority: 9,
          data_stream: {},
          template: {
            settings: { number_of_replicas: 0 },
            mappings: { properties: { n: { type: 'long' } } },
          },
        });
        const response = await engine.bulk(
          [
            { create: { _index: STREAM }, document: { '@timestamp': '2024-03-05T10:00:00Z', n: 1 } },
            { index: { _index: STREAM }, document: { '@timestamp': '2024-03-05T10:00:01Z', n: 2 } },
            { delete: { _index: STREAM, _id: 'x' } },
            { create: { _index: STREAM }, document: { n: 3 } },
          ],
          { refresh: true },
        );
        const [created, indexed, deleted, noTimestamp] = response.items;
        assert.equal(created?.create?.status, 201);
        assert.match(created?.create?._index ?? '', new RegExp(`^\\.ds-${STREAM}-`));
        for (const refused of [indexed?.index, deleted?.delete]) {
          assert.equal(refused?.status, 400);
          assert.equal(refused?.error?.type, 'illegal_argument_exception');
          assert.equal(
            refused?.error?.reason,
            'only write ops with an op_type of create are allowed in data streams',
          );
        }
        assert.equal(noTimestamp?.create?.status, 400);
        assert.equal(noTimestamp?.create?.error?.type, 'mapper_parsing_exception');

        const [stream] = await engine.getDataStreams(STREAM);
        assert.equal(stream?.name, STREAM);
        assert.equal(stream?.template, STREAM_TEMPLATE);
        assert.equal(stream?.timestamp_field.name, '@timestamp');
        assert.equal(stream?.indices.length, 1);
        assert.equal((await engine.count(STREAM)).count, 1);
        assert.deepEqual(
          (await engine.getDataStreams(`${base}-ds-*`)).map((d) => d.name),
          [STREAM],
        );
        await expectSearchError(engine.getDataStreams(`${base}-ds-missing`), {
          status: 404,
          type: 'index_not_found_exception',
        });
        assert.deepEqual(await engine.deleteDataStream(STREAM), { acknowledged: true });
        assert.deepEqual(await engine.getDataStreams(`${base}-ds-*`), []);
      });
    } else {
      test('an engine without data streams refuses a data stream template and lists none', async () => {
        await expectSearchError(
          engine.putIndexTemplate(STREAM_TEMPLATE, {
            index_patterns: [`${base}-ds-*`],
            priority: 9,
            data_stream: {},
          }),
          { status: 400, type: 'illegal_argument_exception', reason: 'no data streams' },
        );
        await expectSearchError(engine.getIndexTemplates(STREAM_TEMPLATE), { status: 404 });
        await expectSearchError(engine.getDataStreams(STREAM), {
          status: 404,
          type: 'index_not_found_exception',
        });
        assert.deepEqual(await engine.getDataStreams(`${base}-ds-*`), []);
        await expectSearchError(engine.deleteDataStream(STREAM), { status: 404 });
      });
    }
  });
}
