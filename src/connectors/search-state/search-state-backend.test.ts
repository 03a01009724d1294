import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EmbeddedSearchEngine } from '../../search/embedded/embedded-engine.js';
import { stateBackendConformance } from '../../state/conformance/state-backend-conformance.js';
import {
  DEFAULT_MAX_PARALLELISM,
  fullKeyGroupRange,
  keyGroupRangeForSubtask,
} from '../../state/key-groups.js';
import { mapState, valueState } from '../../state/state-descriptors.js';
import { ManualClock } from '../../time/manual-clock.js';
import { describeIndexRoundTrip } from './index-round-trip.fixture.js';
import { searchStateBackend } from './search-state-backend.js';

const engines: EmbeddedSearchEngine[] = [];
const dirs: string[] = [];
after(async () => {
  for (const e of engines) await e.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function freshEngine(): Promise<EmbeddedSearchEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'search-state-'));
  dirs.push(dir);
  const engine = await EmbeddedSearchEngine.open({ dataDir: dir });
  engines.push(engine);
  return engine;
}

let counter = 0;
stateBackendConformance('search (embedded engine)', async () =>
  searchStateBackend({ engine: await freshEngine(), index: `state-${counter++}` }),
);

function open(
  engine: EmbeddedSearchEngine,
  clock: ManualClock,
  range = fullKeyGroupRange(DEFAULT_MAX_PARALLELISM),
) {
  return searchStateBackend({ engine, index: 'live-state' }).createKeyedStateBackend({
    operatorId: 'sessions',
    keyGroupRange: range,
    maxParallelism: DEFAULT_MAX_PARALLELISM,
    clock,
  });
}

describe('searchStateBackend in the index', () => {
  it('makes state searchable after a flush, one document per key, and restores it from the index alone', async () => {
    const engine = await freshEngine();
    const clock = new ManualClock(1000);
    const backend = open(engine, clock);
    const session = valueState<{ page: string; clicks: number }>('open-session');
    const seen = mapState<number>('pages');
    for (const user of ['ann', 'bob', 'cy']) {
      backend.setCurrentKey(user);
      backend.getValueState(session).update({ page: `/${user}`, clicks: user.length });
      backend.getMapState(seen).put('/home', 1);
    }
    assert.equal((await engine.count('live-state').catch(() => ({ count: 0 }))).count, 0); // nothing before a flush
    await backend.flush();
    assert.equal((await engine.count('live-state', { query: { term: { state: 'open-session' } } })).count, 3);
    const bob = await engine.search('live-state', {
      query: { term: { 'value.open-session.page.keyword': '/bob' } },
    });
    assert.deepEqual(
      bob.hits.hits.map((h) => h._source?.key),
      ['bob'],
    );

    backend.setCurrentKey('bob');
    backend.getValueState(session).clear();
    await backend.flush();
    assert.equal((await engine.count('live-state', { query: { term: { state: 'open-session' } } })).count, 2);

    const restored = open(engine, clock);
    await restored.restoreFromIndex();
    restored.setCurrentKey('ann');
    assert.deepEqual(restored.getValueState(session).value(), { page: '/ann', clicks: 3 });
    assert.equal(restored.getMapState(seen).get('/home'), 1);
    restored.setCurrentKey('bob');
    assert.equal(restored.getValueState(session).value(), undefined);
    assert.deepEqual(restored.keys('open-session').sort(), ['ann', 'cy']);
  });

  it('removes expired entries from the index at the next flush', async () => {
    const engine = await freshEngine();
    const clock = new ManualClock(0);
    const backend = open(engine, clock);
    const login = valueState<string>('login', { ttl: { ttlMs: 1000 } });
    backend.setCurrentKey('ann');
    backend.getValueState(login).update('x');
    await backend.flush();
    assert.equal((await engine.count('live-state')).count, 1);
    clock.advance(1001);
    assert.equal(backend.getValueState(login).value(), undefined);
    await backend.flush();
    assert.equal((await engine.count('live-state')).count, 0);
  });

  it('restores only the key groups an instance owns', async () => {
    const engine = await freshEngine();
    const clock = new ManualClock(0);
    const whole = open(engine, clock);
    const count = valueState<number>('count');
    const users = Array.from({ length: 50 }, (_, i) => `u${i}`);
    for (const u of users) {
      whole.setCurrentKey(u);
      whole.getValueState(count).update(1);
    }
    await whole.flush();
    const halves = [0, 1].map((i) =>
      open(engine, clock, keyGroupRangeForSubtask(DEFAULT_MAX_PARALLELISM, 2, i)),
    );
    for (const h of halves) await h.restoreFromIndex();
    const a = halves[0]?.keys('count') ?? [];
    const b = halves[1]?.keys('count') ?? [];
    assert.equal(a.length + b.length, 50);
    assert.ok(a.length > 0 && b.length > 0);
    assert.deepEqual([...a, ...b].sort(), [...users].sort());
  });
});

describeIndexRoundTrip('embedded engine', freshEngine, 'round-trip-');
