import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobResult } from '../runtime/job-client.js';
import type { JobMetricsSnapshot } from '../runtime/job-metrics.js';
import { renderProgress, renderSummary } from './progress-line.js';

const snapshot = (recordsIn: number, recordsOut: number, lastCheckpointId?: number) =>
  ({
    jobName: 'job',
    recordsIn,
    recordsOut,
    watermarkMs: Number.NEGATIVE_INFINITY,
    deadLetters: 0,
    checkpoints:
      lastCheckpointId === undefined ? { completed: 0 } : { completed: 1, lastId: lastCheckpointId },
  }) as unknown as JobMetricsSnapshot;

test('rates are the change over the time that really passed, not over the nominal interval', () => {
  // A busy job delayed the redraw: 3,000 records in 2 s is 1,500/s, not 3,000/s.
  const line = renderProgress(snapshot(3000, 1000), snapshot(0, 0), 65_000, 2000);
  assert.equal(
    line,
    'job | in 3,000 (1,500/s) | out 1,000 (500/s) | watermark none yet | dead letters 0 | 00:01:05',
  );
  assert.match(renderProgress(snapshot(5, 5), undefined, 0, 0), /^job \| in 5 \| out 5 \|/);
});

test('the progress line names the last completed checkpoint once there is one', () => {
  assert.match(
    renderProgress(snapshot(5, 5, 7), undefined, 0, 0),
    /\| dead letters 0 \| checkpoint 7 \| 00:00:00$/,
  );
});

test('the job summary says how far event time got, and nothing about it for a job without event time', () => {
  const result = (watermarkMs: number) =>
    ({
      jobName: 'job',
      status: 'stopped',
      durationMs: 2500,
      metrics: { ...snapshot(10, 10), watermarkMs },
    }) as unknown as JobResult;
  assert.equal(
    renderSummary(result(Date.UTC(2015, 4, 17, 10, 5, 3))),
    'job "job" stopped in 2.5 s: 10 records in, 10 out, watermark 2015-05-17T10:05:03Z',
  );
  assert.equal(
    renderSummary(result(Number.NEGATIVE_INFINITY)),
    'job "job" stopped in 2.5 s: 10 records in, 10 out',
  );
});
