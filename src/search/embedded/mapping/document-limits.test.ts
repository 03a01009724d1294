import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StreamEnvironment } from '../../../api/stream-environment.js';
import { searchSink } from '../../../connectors/search/sink.js';
import { runToCompletion } from '../../../testing/run-to-completion.js';
import { EmbeddedSearchEngine } from '../embedded-engine.js';
import { MAX_NESTING_DEPTH } from './document-parser.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function freshEngine(): Promise<EmbeddedSearchEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-limits-'));
  dirs.push(dir);
  return EmbeddedSearchEngine.open({ dataDir: dir, replica: 'inline' });
}

function nested(depth: number, leaf: unknown = 1): Record<string, unknown> {
  let doc: Record<string, unknown> = { x: leaf };
  for (let i = 0; i < depth; i++) doc = { a: doc };
  return doc;
}

function itemError(response: Awaited<ReturnType<EmbeddedSearchEngine['bulk']>>, i: number) {
  const item = Object.values(response.items[i]!)[0]!;
  return { status: item.status, error: item.error };
}

describe('document limits', () => {
  it('refuses one document nested 2,000 deep with the depth limit and indexes the rest of the bulk', async () => {
    const engine = await freshEngine();
    const response = await engine.bulk([
      { index: { _index: 'logs', _id: 'deep' }, document: nested(2000) },
      { index: { _index: 'logs', _id: 'ok' }, document: { a: { b: 1 } } },
    ]);
    assert.equal(response.errors, true);
    const deep = itemError(response, 0);
    assert.equal(deep.status, 400);
    assert.equal(deep.error?.type, 'illegal_argument_exception');
    assert.match(
      deep.error?.reason ?? '',
      /^Limit of mapping depth \[20\] has been exceeded due to object field \[(a\.){20}a\]$/,
    );
    assert.equal(itemError(response, 1).status, 201);
    assert.equal((await engine.count('logs')).count, 1);
    // The refused document left no fields behind.
    const mapping = (await engine.getMapping('logs')).logs?.mappings as {
      properties: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(mapping.properties), ['a']);
    await engine.close();
  });

  it('accepts 20 object levels and honours index.mapping.depth.limit', async () => {
    const engine = await freshEngine();
    const ok = await engine.bulk([{ index: { _index: 'logs', _id: '1' }, document: nested(19) }]);
    assert.equal(ok.errors, false);
    await engine.createIndex('shallow', { settings: { 'index.mapping.depth.limit': 2 } });
    assert.equal(
      (await engine.bulk([{ index: { _index: 'shallow', _id: '1' }, document: nested(2) }])).errors,
      false,
    );
    const refused = await engine.bulk([{ index: { _index: 'shallow', _id: '2' }, document: nested(3) }]);
    assert.match(itemError(refused, 0).error?.reason ?? '', /Limit of mapping depth \[2\]/);
    await engine.close();
  });

  it('refuses arrays nested past 1,000 levels without exhausting the stack', async () => {
    const engine = await freshEngine();
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i++) value = [value];
    const response = await engine.bulk([{ index: { _index: 'logs', _id: '1' }, document: { v: value } }]);
    const { error } = itemError(response, 0);
    assert.equal(error?.type, 'mapper_parsing_exception');
    assert.match(error?.reason ?? '', new RegExp(`exceeds the maximum allowed \\(${MAX_NESTING_DEPTH}\\)`));
    await engine.close();
  });

  it('refuses a document that would grow the mapping past index.mapping.total_fields.limit', async () => {
    const engine = await freshEngine();
    const wide = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`f${i}`, i]));
    const response = await engine.bulk([
      { index: { _index: 'logs', _id: 'wide' }, document: wide },
      { index: { _index: 'logs', _id: 'ok' }, document: { f1: 1 } },
    ]);
    const { error } = itemError(response, 0);
    assert.equal(error?.type, 'illegal_argument_exception');
    assert.equal(
      error?.reason,
      'Limit of total fields [1000] has been exceeded while adding new fields [1001]',
    );
    assert.equal(itemError(response, 1).status, 201);
    const mapping = (await engine.getMapping('logs')).logs?.mappings as {
      properties: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(mapping.properties), ['f1']);
    await engine.close();
  });

  it('dead-letters a 2,000-deep document in a search sink job and the job finishes', async () => {
    const engine = await freshEngine();
    const env = StreamEnvironment.create({ log: () => {} });
    const records = [
      { id: '1', n: 1 },
      { id: '2', ...nested(2000) },
      { id: '3', n: 3 },
    ];
    env.fromCollection(records).sinkTo(searchSink({ engine, index: 'events', id: 'id' }), { uid: 'out' });
    const result = await runToCompletion(env);
    assert.equal((await engine.count('events')).count, 2);
    assert.equal(result.metrics.deadLetters, 1);
    const dead = await engine.search('sluice-dead-letters', { query: { match_all: {} } });
    const letter = dead.hits.hits[0]?._source as Record<string, unknown>;
    assert.equal((letter.error as { type: string }).type, 'illegal_argument_exception');
    assert.match((letter.error as { reason: string }).reason, /Limit of mapping depth \[20\]/);
    assert.equal(letter.id, '2');
    await engine.close();
  });
});
