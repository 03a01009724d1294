import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobMetricsSnapshot } from '../runtime/job-metrics.js';
import { renderProgress } from './progress-line.js';

const snapshot = (recordsIn: number, recordsOut: number) =>
  ({
    jobName: 'job',
    recordsIn,
    recordsOut,
    watermarkMs: Number.NEGATIVE_INFINITY,
    deadLetters: 0,
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
