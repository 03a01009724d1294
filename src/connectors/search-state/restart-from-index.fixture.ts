/**
 * A job whose keyed state lives in an index, stopped mid-stream and continued by a new job that
 * starts from the index alone (no snapshot, no checkpoint) at another parallelism: its output
 * together with the first job's must be exactly the output of one uninterrupted run. For the
 * search-state backend's tests on the embedded engine and on a real cluster (a fixture: production
 * code never imports it).
 *
 * The job: per user, a running total of clicks (a rolling reduce: value state) and a count per
 * 10-second event-time window (window contents and event-time timers). The input is cut in two:
 * the first job reads part A from a source that then stays open, is stopped (without draining:
 * its open windows and their timers stay in the state, which `close()` flushes into the index),
 * and the second job reads part B and ends. Parts A and B follow each other in event time, so a
 * window open at the cut holds records of both parts and fires in the second job.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamEnvironment } from '../../api/stream-environment.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { RecordingSink } from '../../testing/recording-sink.js';
import { steps, TestSource, type TestStep } from '../../testing/test-source.js';
import { Aggregates } from '../../window/aggregates.js';
import { TumblingEventTimeWindows } from '../../window/assigners.js';
import { searchStateBackend } from './search-state-backend.js';

interface Click {
  readonly user: string;
  readonly clicks: number;
}

const WINDOW_MS = 10_000;

/** 600 clicks of 7 users over 60 s of event time, with a watermark every 20 clicks (5 s behind). */
function script(from: number, to: number): TestStep<Click>[] {
  const out: TestStep<Click>[] = [];
  for (let start = from; start < to; start += 20) {
    const pairs: Array<readonly [Click, number]> = [];
    for (let i = start; i < Math.min(to, start + 20); i++)
      pairs.push([{ user: `u${(i * 5) % 7}`, clicks: 1 + (i % 3) }, i * 100]);
    out.push(steps.timestamped(...pairs));
    out.push(steps.watermark(Math.min(to, start + 20) * 100 - 5000));
  }
  return out;
}

const ALL = 600;
const CUT = 330; // at 33 s: the windows [30 s, 40 s) and, behind the watermark, [20 s, 30 s) are open

function build(env: StreamEnvironment, source: TestSource<Click>, out: RecordingSink<string>): void {
  const clicks = env.fromSource(source, { uid: 'clicks' });
  clicks
    .keyBy((c) => c.user)
    .reduce((a, b) => ({ user: a.user, clicks: a.clicks + b.clicks }), { uid: 'totals' })
    .map((c) => `total ${c.user} ${c.clicks}`)
    .sinkTo(out);
  clicks
    .keyBy((c) => c.user)
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .aggregate(Aggregates.count<Click>(), (user, w, n) => `window ${String(user)} ${w.start} ${n}`, {
      uid: 'windows',
    })
    .sinkTo(out);
}

export function testRestartFromIndex(
  name: string,
  engines: { first: () => Promise<SearchEngine>; second: () => Promise<SearchEngine> },
  index: string,
): void {
  test(`a job restarted from the state in the index alone, at another parallelism, gives the output of an uninterrupted run: ${name}`, async () => {
    const reference = new RecordingSink<string>();
    const whole = StreamEnvironment.create({ log: () => {} });
    build(whole, new TestSource(script(0, ALL)), reference);
    await whole.execute();

    const firstEngine = await engines.first();
    const first = new RecordingSink<string>();
    const env1 = StreamEnvironment.create({
      parallelism: 2,
      stateBackend: searchStateBackend({ engine: firstEngine, index }),
      log: () => {},
    });
    const partA = new TestSource(script(0, CUT), { after: 'hold' });
    build(env1, partA, first);
    const client = env1.executeAsync('first');
    await partA.done;
    const stopped = await client.stop();
    assert.equal(stopped.status, 'stopped');
    const windowsInA = first.values.filter((v) => v.startsWith('window')).length;
    assert.ok(windowsInA > 0 && windowsInA < reference.values.filter((v) => v.startsWith('window')).length);

    const secondEngine = await engines.second();
    assert.ok((await secondEngine.count(index)).count > 0, 'the first job left its state in the index');
    const second = new RecordingSink<string>();
    const env2 = StreamEnvironment.create({
      parallelism: 3,
      stateBackend: searchStateBackend({ engine: secondEngine, index }),
      log: () => {},
    });
    build(env2, new TestSource(script(CUT, ALL)), second);
    await env2.execute();

    assert.deepEqual([...first.values, ...second.values].sort(), [...reference.values].sort());
    assert.equal(reference.values.length, ALL + 7 * (ALL / 100));
  });
}
