import { ConfigError } from '../core/errors.js';
import { maxTimestamp, type TimeWindow } from './time-window.js';
import type { Trigger, TriggerContext, TriggerResult } from './trigger.js';

/**
 * Fires when the watermark passes the window's end (the default for event-time windows). An element
 * arriving after that but within the allowed lateness fires the window again with the updated result.
 */
export class EventTimeTrigger implements Trigger<unknown> {
  static readonly INSTANCE = new EventTimeTrigger();

  static create(): EventTimeTrigger {
    return EventTimeTrigger.INSTANCE;
  }

  /**
   * Also emits partial results every `intervalMs` of processing time while the window is open, then
   * the complete result when the watermark passes its end (Beam's "early firings").
   */
  static withEarlyFirings(intervalMs: number): Trigger<unknown> {
    return new EarlyFiringEventTimeTrigger(intervalMs);
  }

  onElement(_v: unknown, _ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    const end = maxTimestamp(window);
    if (end <= ctx.currentWatermarkMs) return 'fire';
    ctx.registerEventTimeTimer(end);
    return 'continue';
  }

  onEventTime(timeMs: number, window: TimeWindow): TriggerResult {
    return timeMs === maxTimestamp(window) ? 'fire' : 'continue';
  }

  onProcessingTime(): TriggerResult {
    return 'continue';
  }

  onMerge(window: TimeWindow, ctx: TriggerContext): void {
    const end = maxTimestamp(window);
    if (end > ctx.currentWatermarkMs) ctx.registerEventTimeTimer(end);
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(maxTimestamp(window));
  }
}

const NEXT_EARLY = 'nextEarlyFiringMs';

class EarlyFiringEventTimeTrigger implements Trigger<unknown> {
  constructor(private readonly intervalMs: number) {
    if (!(intervalMs > 0)) throw new ConfigError(`early-firing interval must be > 0 ms, got ${intervalMs}`);
  }

  private scheduleEarly(ctx: TriggerContext): void {
    if (ctx.state.get(NEXT_EARLY) !== undefined) return;
    const next = ctx.currentProcessingTimeMs() + this.intervalMs;
    ctx.state.set(NEXT_EARLY, next);
    ctx.registerProcessingTimeTimer(next);
  }

  onElement(v: unknown, ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    const r = EventTimeTrigger.INSTANCE.onElement(v, ts, window, ctx);
    if (r === 'continue') this.scheduleEarly(ctx);
    return r;
  }

  onEventTime(timeMs: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (timeMs !== maxTimestamp(window)) return 'continue';
    const pending = ctx.state.get(NEXT_EARLY);
    if (pending !== undefined) ctx.deleteProcessingTimeTimer(pending);
    ctx.state.delete(NEXT_EARLY);
    return 'fire';
  }

  onProcessingTime(timeMs: number, _window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (ctx.state.get(NEXT_EARLY) !== timeMs) return 'continue';
    ctx.state.delete(NEXT_EARLY);
    this.scheduleEarly(ctx);
    return 'fire';
  }

  onMerge(window: TimeWindow, ctx: TriggerContext): void {
    EventTimeTrigger.INSTANCE.onMerge(window, ctx);
    this.scheduleEarly(ctx);
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    EventTimeTrigger.INSTANCE.clear(window, ctx);
    const pending = ctx.state.get(NEXT_EARLY);
    if (pending !== undefined) ctx.deleteProcessingTimeTimer(pending);
    ctx.state.delete(NEXT_EARLY);
  }
}

/** Fires when the processing-time clock passes the window's end (the default for processing-time windows). */
export class ProcessingTimeTrigger implements Trigger<unknown> {
  static readonly INSTANCE = new ProcessingTimeTrigger();

  static create(): ProcessingTimeTrigger {
    return ProcessingTimeTrigger.INSTANCE;
  }

  onElement(_v: unknown, _ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(maxTimestamp(window));
    return 'continue';
  }

  onEventTime(): TriggerResult {
    return 'continue';
  }

  onProcessingTime(timeMs: number, window: TimeWindow): TriggerResult {
    return timeMs === maxTimestamp(window) ? 'fire' : 'continue';
  }

  onMerge(window: TimeWindow, ctx: TriggerContext): void {
    ctx.registerProcessingTimeTimer(maxTimestamp(window));
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(maxTimestamp(window));
  }
}

const COUNT = 'count';

/** Fires every `count` elements (count windows). */
export class CountTrigger implements Trigger<unknown> {
  private constructor(private readonly count: number) {}

  static of(count: number): CountTrigger {
    if (!Number.isInteger(count) || count < 1)
      throw new ConfigError(`CountTrigger needs a count >= 1, got ${count}`);
    return new CountTrigger(count);
  }

  onElement(_v: unknown, _ts: number, _w: TimeWindow, ctx: TriggerContext): TriggerResult {
    const seen = (ctx.state.get(COUNT) ?? 0) + 1;
    if (seen >= this.count) {
      ctx.state.delete(COUNT);
      return 'fire';
    }
    ctx.state.set(COUNT, seen);
    return 'continue';
  }

  onEventTime(): TriggerResult {
    return 'continue';
  }

  onProcessingTime(): TriggerResult {
    return 'continue';
  }

  clear(_w: TimeWindow, ctx: TriggerContext): void {
    ctx.state.delete(COUNT);
  }
}

/** Turns every `fire` of the wrapped trigger into `fireAndPurge` (tumbling count windows). */
export class PurgingTrigger<T> implements Trigger<T> {
  private constructor(private readonly inner: Trigger<T>) {}

  static of<T>(inner: Trigger<T>): PurgingTrigger<T> {
    return new PurgingTrigger(inner);
  }

  private purging(r: TriggerResult): TriggerResult {
    return r === 'fire' ? 'fireAndPurge' : r;
  }

  onElement(v: T, ts: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    return this.purging(this.inner.onElement(v, ts, w, ctx));
  }

  onEventTime(t: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    return this.purging(this.inner.onEventTime(t, w, ctx));
  }

  onProcessingTime(t: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    return this.purging(this.inner.onProcessingTime(t, w, ctx));
  }

  onMerge(w: TimeWindow, ctx: TriggerContext): void {
    this.inner.onMerge?.(w, ctx);
  }

  clear(w: TimeWindow, ctx: TriggerContext): void {
    this.inner.clear(w, ctx);
  }
}
