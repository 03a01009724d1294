import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.js';
import { fakeSourceContext, readAll, valuesOf } from '../testing/connector-contexts.js';
import { fileSourceSchema } from './file/config.js';
import { optionsFromFlags } from './flag-options.js';
import {
  sinkConnectors,
  sinkFromFlags,
  sourceConnector,
  sourceConnectors,
  sourceFromFlags,
} from './registry.js';
import { socketTextSourceSchema } from './socket/config.js';

describe('connector registry', () => {
  it('lists every source and sink by name with a schema and a description', () => {
    assert.deepEqual(Object.keys(sourceConnectors).sort(), [
      'datagen',
      'file',
      'http-ingest',
      'kafka',
      'search',
      'socket',
      'stdin',
    ]);
    assert.deepEqual(Object.keys(sinkConnectors).sort(), ['file', 'kafka', 'print', 'search']);
    for (const connector of [...Object.values(sourceConnectors), ...Object.values(sinkConnectors)]) {
      assert.ok(connector.description.length > 10, connector.name);
      assert.ok(Object.keys(connector.schema.shape).length > 0, connector.name);
    }
  });

  it('builds a working source from string flags', async () => {
    const source = sourceFromFlags('datagen', { count: '5', seed: '3' });
    assert.equal(source.boundedness, 'bounded');
    const batches = await readAll(source.createReader(fakeSourceContext()));
    assert.equal(valuesOf(batches).length, 5);
  });

  it('builds a CSV file source with nested flags', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-registry-'));
    try {
      const path = join(dir, 'x.csv');
      await writeFile(path, 'a;b\n1;2\n');
      const source = sourceFromFlags('file', { path, format: 'csv', 'csv.delimiter': ';' });
      const batches = await readAll(source.createReader(fakeSourceContext()));
      assert.deepEqual(valuesOf(batches), [{ a: '1', b: '2' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds sinks by name', () => {
    assert.equal(sinkFromFlags('print', { prefix: 'out' }).name, 'print:out');
    assert.match(sinkFromFlags('file', { path: 'out/x.ndjson' }).name, /^file:\/.*out\/x\.ndjson$/);
  });

  it('names the available connectors when asked for an unknown one', () => {
    assert.throws(
      () => sourceConnector('pulsar'),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          'unknown source "pulsar" (available: datagen, file, http-ingest, kafka, search, socket, stdin)',
    );
    assert.throws(() => sinkFromFlags('toString', {}), /unknown sink "toString"/);
  });

  it('reports invalid options with the connector and field', () => {
    assert.throws(
      () => sourceFromFlags('socket', { host: 'h', port: '70000' }),
      /invalid socket source options: port: /,
    );
  });
});

describe('optionsFromFlags', () => {
  it('converts numbers, durations for *Ms fields, booleans and comma lists by the schema', () => {
    assert.deepEqual(
      optionsFromFlags(socketTextSourceSchema, {
        host: 'h',
        port: '9999',
        reconnectDelayMs: '2s',
        maxReconnectDelayMs: '250',
      }),
      { host: 'h', port: 9999, reconnectDelayMs: 2000, maxReconnectDelayMs: 250 },
    );
    assert.deepEqual(
      optionsFromFlags(fileSourceSchema, { 'csv.header': 'false', 'csv.columns': 'a,b', mode: 'follow' }),
      {
        csv: { header: false, columns: ['a', 'b'] },
        mode: 'follow',
      },
    );
  });

  it('rejects unknown keys with the known ones, and values of the wrong kind', () => {
    assert.throws(
      () => optionsFromFlags(socketTextSourceSchema, { hots: 'x' }),
      /unknown option "hots" \(known: host, port/,
    );
    assert.throws(() => optionsFromFlags(fileSourceSchema, { 'csv.sep': ';' }), /unknown option "csv.sep"/);
    assert.throws(() => optionsFromFlags(fileSourceSchema, { 'format.x': '1' }), /has no nested settings/);
    assert.throws(() => optionsFromFlags(socketTextSourceSchema, { port: 'abc' }), /"port" must be a number/);
    assert.throws(() => optionsFromFlags(fileSourceSchema, { 'csv.trim': 'yes' }), /must be true or false/);
    assert.throws(() => optionsFromFlags(fileSourceSchema, { pollIntervalMs: 'soon' }), /must be a duration/);
  });
});
