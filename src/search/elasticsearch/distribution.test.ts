import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectDistribution } from './distribution.js';

const pick = (info: unknown) => {
  const d = detectDistribution(info);
  return [d.name, d.major, d.pointInTime, d.scanTiebreaker, d.compatibleWith];
};

test('tells Elasticsearch 7/8/9 and OpenSearch 1/2/3 apart and what each can do', () => {
  assert.deepEqual(pick({ version: { number: '7.10.2', build_flavor: 'oss' } }), [
    'elasticsearch',
    7,
    undefined,
    '_id',
    undefined,
  ]);
  assert.deepEqual(pick({ version: { number: '7.17.9', build_flavor: 'default' } }), [
    'elasticsearch',
    7,
    'elasticsearch',
    '_id',
    undefined,
  ]);
  assert.deepEqual(pick({ version: { number: '8.15.0' } }), [
    'elasticsearch',
    8,
    'elasticsearch',
    '_shard_doc',
    8,
  ]);
  assert.deepEqual(pick({ version: { number: '9.1.0' } }), [
    'elasticsearch',
    9,
    'elasticsearch',
    '_shard_doc',
    8,
  ]);
  assert.deepEqual(pick({ version: { distribution: 'opensearch', number: '1.3.20' } }), [
    'opensearch',
    1,
    undefined,
    '_id',
    undefined,
  ]);
  assert.deepEqual(pick({ version: { distribution: 'opensearch', number: '2.19.1' } }), [
    'opensearch',
    2,
    'opensearch',
    '_id',
    undefined,
  ]);
  assert.deepEqual(pick({ version: { distribution: 'opensearch', number: '3.8.0' } }), [
    'opensearch',
    3,
    'opensearch',
    '_id',
    undefined,
  ]);
});

test('knows where composable templates and data streams exist', () => {
  const caps = (info: unknown) => {
    const d = detectDistribution(info);
    return [d.indexTemplates, d.dataStreams];
  };
  assert.deepEqual(caps({ version: { number: '7.7.1', build_flavor: 'default' } }), ['legacy', false]);
  assert.deepEqual(caps({ version: { number: '7.8.0', build_flavor: 'default' } }), ['composable', false]);
  assert.deepEqual(caps({ version: { number: '7.9.0', build_flavor: 'default' } }), ['composable', true]);
  assert.deepEqual(caps({ version: { number: '7.10.2', build_flavor: 'oss' } }), ['composable', false]);
  assert.deepEqual(caps({ version: { number: '7.10.2', build_flavor: 'unknown' } }), ['composable', false]);
  assert.deepEqual(caps({ version: { number: '8.15.0' } }), ['composable', true]);
  assert.deepEqual(caps({ version: { distribution: 'opensearch', number: '1.3.20' } }), ['composable', true]);
  assert.deepEqual(caps({ version: { distribution: 'opensearch', number: '3.8.0' } }), ['composable', true]);
});

test('refuses what is not a supported cluster with a reason', () => {
  assert.throws(
    () => detectDistribution({ hello: 'world' }),
    /does not answer like Elasticsearch or OpenSearch/,
  );
  assert.throws(() => detectDistribution({ version: { number: '6.8.0' } }), /6.8.0 is not supported/);
});
