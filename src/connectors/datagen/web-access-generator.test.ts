import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createWebAccessGenerator,
  DEFAULT_START_TIME_MS,
  type WebAccessEvent,
} from './web-access-generator.js';

function take(n: number, seed: number, options = {}): WebAccessEvent[] {
  const generator = createWebAccessGenerator(seed, options);
  return Array.from({ length: n }, () => generator.next());
}

function countBy<K>(events: WebAccessEvent[], key: (e: WebAccessEvent) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const e of events) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
  return counts;
}

describe('createWebAccessGenerator', () => {
  it('makes the same events for the same seed and different ones for another seed', () => {
    assert.deepEqual(take(500, 7), take(500, 7));
    assert.notDeepEqual(take(50, 7), take(50, 8));
  });

  it('starts at startTimeMs and lets event time advance at about meanIntervalMs per event', () => {
    const events = take(20_000, 3, { startTimeMs: 1_000_000, meanIntervalMs: 50 });
    assert.equal(events[0]?.timestampMs, 1_000_000);
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.timestampMs >= events[i - 1]!.timestampMs);
    const meanGapMs = (events.at(-1)!.timestampMs - 1_000_000) / (events.length - 1);
    assert.ok(meanGapMs > 45 && meanGapMs < 55, `mean gap ${meanGapMs} ms`);
    assert.equal(take(1, 3)[0]?.timestampMs, DEFAULT_START_TIME_MS);
  });

  it('keeps out-of-order timestamps within maxOutOfOrderMs of the largest seen so far', () => {
    const events = take(20_000, 5, { maxOutOfOrderMs: 2_000 });
    let maxSeen = Number.NEGATIVE_INFINITY;
    let outOfOrder = 0;
    for (const e of events) {
      if (e.timestampMs < maxSeen) outOfOrder++;
      assert.ok(e.timestampMs >= maxSeen - 2_000, `${e.timestampMs} is more than 2000 ms behind ${maxSeen}`);
      maxSeen = Math.max(maxSeen, e.timestampMs);
    }
    assert.ok(outOfOrder > 1_000, `only ${outOfOrder} events out of order`);
  });

  it('has realistic shapes: mostly 200s, a few errors, Zipf-like paths, repeat clients, slow 5xx', () => {
    const events = take(50_000, 11);
    const statuses = countBy(events, (e) => e.status);
    const share = (s: (status: number) => boolean) =>
      [...statuses].filter(([status]) => s(status)).reduce((sum, [, n]) => sum + n, 0) / events.length;
    assert.ok(share((s) => s === 200) > 0.7, 'mostly 200');
    assert.ok(share((s) => s >= 300 && s < 400) > 0.03, 'some 3xx');
    assert.ok(share((s) => s >= 400 && s < 500) > 0.02, 'some 4xx');
    const serverErrors = share((s) => s >= 500);
    assert.ok(serverErrors > 0.003 && serverErrors < 0.05, `some 5xx (${serverErrors})`);

    const paths = [...countBy(events, (e) => e.path).values()].sort((a, b) => b - a);
    assert.ok(paths.length > 100, 'a long tail of paths');
    assert.ok(paths[0]! > 10 * paths[20]!, 'the top path dominates');

    const clients = countBy(events, (e) => e.ip);
    assert.ok(clients.size > 500 && clients.size <= 1000, `${clients.size} clients`);
    const agentsPerIp = new Map<string, Set<string>>();
    for (const e of events) agentsPerIp.set(e.ip, (agentsPerIp.get(e.ip) ?? new Set()).add(e.userAgent));
    assert.ok(
      [...agentsPerIp.values()].every((agents) => agents.size === 1),
      'a client keeps its user agent',
    );

    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    const okLatency = median(events.filter((e) => e.status === 200).map((e) => e.latencyMs));
    const errorLatency = median(events.filter((e) => e.status >= 500).map((e) => e.latencyMs));
    assert.ok(errorLatency > 2 * okLatency, `5xx median ${errorLatency} ms vs 200 median ${okLatency} ms`);
    assert.ok(events.every((e) => e.latencyMs >= 1 && Number.isInteger(e.bytes) && e.bytes >= 0));
    assert.ok(events.filter((e) => e.status === 304).every((e) => e.bytes === 0));
  });

  it('produces events with every field of the documented shape', () => {
    const [e] = take(1, 1);
    assert.deepEqual(Object.keys(e ?? {}), [
      'timestampMs',
      'ip',
      'method',
      'path',
      'status',
      'bytes',
      'latencyMs',
      'userAgent',
      'referrer',
    ]);
    assert.match(e?.ip ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.match(e?.path ?? '', /^\//);
  });
});
