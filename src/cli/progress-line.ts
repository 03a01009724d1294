import type { Clock } from '../core/clock.js';
import type { JobClient, JobResult } from '../runtime/job-client.js';
import type { JobMetricsSnapshot } from '../runtime/job-metrics.js';

const number = new Intl.NumberFormat('en-US');

export function formatWatermark(watermarkMs: number): string {
  if (watermarkMs === Number.NEGATIVE_INFINITY) return 'none yet';
  if (watermarkMs === Number.POSITIVE_INFINITY) return 'end of input';
  return new Date(watermarkMs).toISOString().replace('.000Z', 'Z');
}

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}`;
}

/**
 * One line: records in and out with their rates, watermark, dead letters, elapsed time. Rates are
 * the change since `previous`, over `sincePreviousMs` (the time that really passed: a busy job
 * delays the timer that draws).
 */
export function renderProgress(
  now: JobMetricsSnapshot,
  previous: JobMetricsSnapshot | undefined,
  elapsedMs: number,
  sincePreviousMs: number,
): string {
  const perSecond = (cur: number, prev: number | undefined) =>
    prev === undefined || sincePreviousMs <= 0
      ? ''
      : ` (${number.format(Math.round(((cur - prev) * 1000) / sincePreviousMs))}/s)`;
  return [
    now.jobName,
    `in ${number.format(now.recordsIn)}${perSecond(now.recordsIn, previous?.recordsIn)}`,
    `out ${number.format(now.recordsOut)}${perSecond(now.recordsOut, previous?.recordsOut)}`,
    `watermark ${formatWatermark(now.watermarkMs)}`,
    `dead letters ${number.format(now.deadLetters)}`,
    ...(now.checkpoints.lastId === undefined ? [] : [`checkpoint ${now.checkpoints.lastId}`]),
    formatDuration(elapsedMs),
  ].join(' | ');
}

export function renderSummary(result: JobResult): string {
  const m = result.metrics;
  const took =
    result.durationMs < 1000
      ? `${Math.round(result.durationMs)} ms`
      : `${(result.durationMs / 1000).toFixed(1)} s`;
  const dead = m.deadLetters > 0 ? `, ${number.format(m.deadLetters)} dead letters` : '';
  // How far event time got (a job without event time has none to show).
  const watermark =
    m.watermarkMs === Number.NEGATIVE_INFINITY ? '' : `, watermark ${formatWatermark(m.watermarkMs)}`;
  return `job "${result.jobName}" ${result.status} in ${took}: ${number.format(m.recordsIn)} records in, ${number.format(m.recordsOut)} out${dead}${watermark}`;
}

/**
 * Redraws a live progress line on a terminal every `intervalMs` while a job runs. On a
 * non-terminal stream it draws nothing live (logs stay clean) and the caller prints the summary.
 */
export class ProgressLine {
  /** One timer per tracked job (each keeps its own previous snapshot for its rates). */
  private readonly timers = new Set<NodeJS.Timeout>();
  private shown = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly clock: Clock,
    private readonly intervalMs = 1000,
  ) {}

  get live(): boolean {
    return this.out.isTTY === true;
  }

  track(client: JobClient): void {
    if (!this.live) return;
    const startedAt = this.clock.nowMs();
    let previous: JobMetricsSnapshot | undefined;
    let previousAt = startedAt;
    const draw = () => {
      const now = client.metrics();
      const at = this.clock.nowMs();
      const line = renderProgress(now, previous, at - startedAt, at - previousAt);
      previous = now;
      previousAt = at;
      const width = this.out.columns || 160; // 0 or undefined when the terminal does not say
      this.out.write(`\r\x1b[2K${line.slice(0, Math.max(20, width - 1))}`);
      this.shown = true;
    };
    const timer = setInterval(draw, this.intervalMs);
    timer.unref();
    this.timers.add(timer);
    void client.result
      .finally(() => {
        clearInterval(timer);
        this.timers.delete(timer);
        this.erase();
      })
      .catch(() => {});
  }

  /** Removes the live line and stops redrawing it (when the command ends). */
  clear(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    this.erase();
  }

  /** Removes the live line for now (before other output); the next tick draws it again. */
  erase(): void {
    if (this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }
}
