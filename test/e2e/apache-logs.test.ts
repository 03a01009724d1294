/**
 * End-to-end on a real access log (../shared/data/apache_logs): 10,000 lines whose timestamps are up
 * to 59 s out of order. The oracle is computed straight from the file, independently of the engine.
 *
 * A property of this file shapes the lateness test: it is ordered by minute and shuffled only within
 * each minute, so per-minute windows never see a late event whatever the bound. The 10 s bound is
 * therefore checked twice: with minute windows (the oracle says no event is late, and the engine
 * must agree) and with 10-second windows, where the oracle finds thousands of late events and the
 * late side output must list exactly those lines.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../../src/api/stream-environment.js';
import { fileSource } from '../../src/connectors/file/source.js';
import { OutputTag } from '../../src/core/output-tag.js';
import { type AccessLogEntry, parseAccessLogLine } from '../../src/formats/access-log.js';
import { collectSink } from '../../src/testing/index.js';
import { runToCompletion } from '../../src/testing/run-to-completion.js';
import { minutes, seconds } from '../../src/time/duration.js';
import { WatermarkStrategy } from '../../src/time/watermark-strategy.js';
import { Aggregates } from '../../src/window/aggregates.js';
import { TumblingEventTimeWindows } from '../../src/window/assigners.js';

const LOG = resolve(import.meta.dirname, '../../../shared/data/apache_logs');
const MINUTE = minutes(1);
const TEN_SECONDS = seconds(10);
const present = existsSync(LOG);
const skip = present
  ? false
  : `../shared/data/apache_logs not found at ${LOG}: this test needs the shared data folder beside the repository`;

interface Row {
  readonly status: number;
  readonly start: number;
  readonly count: number;
}

const rowKey = (r: Row) => `${r.start}|${r.status}|${r.count}`;

/** Direct computation from the file: entries in file order with their line numbers. */
function readEntries(): Array<{ line: number; entry: AccessLogEntry }> {
  return readFileSync(LOG, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l, i) => ({ line: i + 1, entry: parseAccessLogLine(l) }));
}

/** Counts by window start and status of the given entries. */
function directCounts(entries: AccessLogEntry[], windowMs = MINUTE): string[] {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const start = e.timestampMs - (e.timestampMs % windowMs);
    const k = `${start}|${e.status}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k}|${n}`).sort();
}

/**
 * Which lines are late for a bounded-out-of-orderness watermark: the watermark before an event is
 * (highest timestamp among earlier lines) - bound - 1, and an event is late when its window's last
 * millisecond is at or below it (allowed lateness 0).
 */
function directLateLines(
  entries: Array<{ line: number; entry: AccessLogEntry }>,
  boundMs: number,
  windowMs: number,
): number[] {
  let maxTs = Number.NEGATIVE_INFINITY;
  const late: number[] = [];
  for (const { line, entry } of entries) {
    const watermark = maxTs - boundMs - 1;
    const windowEnd = entry.timestampMs - (entry.timestampMs % windowMs) + windowMs;
    if (windowEnd - 1 <= watermark) late.push(line);
    maxTs = Math.max(maxTs, entry.timestampMs);
  }
  return late;
}

async function runJob(
  boundMs: number,
  windowMs = MINUTE,
): Promise<{ rows: Row[]; late: Array<{ line: number; entry: AccessLogEntry }> }> {
  const env = StreamEnvironment.create({ batchSize: 512 });
  const lateTag = new OutputTag<AccessLogEntry>('late');
  const rows = collectSink<Row>();
  const late = collectSink<AccessLogEntry>();
  const counted = env
    .fromSource(fileSource(LOG, { format: 'lines' }))
    .map(parseAccessLogLine)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.boundedOutOfOrderness<AccessLogEntry>(boundMs).withTimestamp((h) => h.timestampMs),
    )
    .keyBy((h) => h.status)
    .window(TumblingEventTimeWindows.of(windowMs))
    .sideOutputLateData(lateTag)
    .aggregate(
      Aggregates.count<AccessLogEntry>(),
      (status, window, count): Row => ({ status, start: window.start, count }),
    );
  counted.sinkTo(rows);
  counted.getSideOutput(lateTag).sinkTo(late);
  const result = await runToCompletion(env);
  assert.equal(result.metrics.recordsIn, 10_000);
  assert.equal(result.metrics.deadLetters, 0);
  return { rows: rows.values, late: late.records.map((r) => ({ line: r.position, entry: r.value })) };
}

describe('status codes per minute on a real, out-of-order access log', { skip }, () => {
  it('with a 60 s bound, event-time counts equal the counts computed directly from the file', async () => {
    const entries = readEntries();
    assert.equal(entries.length, 10_000);
    const { rows, late } = await runJob(seconds(60));
    assert.equal(late.length, 0);
    assert.deepEqual(rows.map(rowKey).sort(), directCounts(entries.map((e) => e.entry)));
    const total = rows.reduce((n, r) => n + r.count, 0);
    assert.equal(total, 10_000);
  });

  it('with a 10 s bound and minute windows, the late side output equals the direct computation (none: the file is minute-ordered)', async () => {
    const entries = readEntries();
    assert.deepEqual(directLateLines(entries, TEN_SECONDS, MINUTE), []);
    const { rows, late } = await runJob(TEN_SECONDS);
    assert.deepEqual(late, []);
    assert.deepEqual(rows.map(rowKey).sort(), directCounts(entries.map((e) => e.entry)));
  });

  it('with a 10 s bound and 10-second windows, the late side output holds exactly the events a direct computation says are late', async () => {
    const entries = readEntries();
    const expectedLate = directLateLines(entries, TEN_SECONDS, TEN_SECONDS);
    assert.ok(expectedLate.length > 1000, `the oracle finds late events (${expectedLate.length})`);
    const { rows, late } = await runJob(TEN_SECONDS, TEN_SECONDS);
    assert.deepEqual(
      late.map((l) => l.line),
      expectedLate,
    );
    const lateSet = new Set(expectedLate);
    const onTime = entries.filter((e) => !lateSet.has(e.line)).map((e) => e.entry);
    assert.deepEqual(rows.map(rowKey).sort(), directCounts(onTime, TEN_SECONDS));
  });
});
