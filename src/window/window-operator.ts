import type { Collector } from '../core/collector.js';
import { fromKey, type Key } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import { BatchBuilder, type RecordBatch, singleRecord } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';
import type { KeyedOperator, KeyedOperatorContext } from '../state/keyed-operator.js';
import type { ValueState } from '../state/keyed-state.js';
import type { KeyedStateBackend, NamespacedState } from '../state/state-backend.js';
import { valueState } from '../state/state-descriptors.js';
import type { KeyedTimerService, TimerDomain } from '../state/timer-service.js';
import { GLOBAL_WINDOW, maxTimestamp, type TimeWindow, timeWindow, windowsIntersect } from './time-window.js';
import { isFire, isPurge, type Trigger, type TriggerContext, type TriggerState } from './trigger.js';
import type { WindowAssigner } from './window-assigner.js';
import type { WindowContents } from './window-contents.js';
import type { WindowContext } from './window-functions.js';

export interface WindowOperatorConfig<IN, OUT> {
  readonly keySelector: (value: IN) => Key;
  readonly assigner: WindowAssigner;
  readonly trigger: Trigger<IN>;
  readonly contents: WindowContents<IN, OUT>;
  /** Keep windows this long after they close; late elements within it re-fire the window. */
  readonly allowedLatenessMs: number;
  /** Elements too late for every window they belong to go here; without it they are counted as dropped. */
  readonly lateDataTag: OutputTag<IN> | undefined;
}

/**
 * One window of one key. Stored as keyed state, so it is part of snapshots:
 * - `id` is the window's state namespace and timer namespace. For fixed-size windows it is the
 *   window start; for sessions it is the start of the first window of the session and stays fixed
 *   while the session grows through merges.
 * - `contents` is the accumulator or element buffer; `hasContents` is false after a purge.
 * - `eventTimerMs` remembers the trigger's last event-time timer so the per-record re-registration
 *   that Flink's trigger contract implies costs one comparison instead of a timer-queue lookup.
 * - `maxEventTimeMs` (global window only) is the largest event timestamp added since the last purge;
 *   it becomes the timestamp of the window's results (see `resultTimestampMs`).
 */
interface WindowEntry {
  id: number;
  window: TimeWindow;
  contents: unknown;
  hasContents: boolean;
  triggerState: Record<string, number> | undefined;
  eventTimerMs: number;
  cleanupTimerMs: number;
  maxEventTimeMs: number;
}

const TIMERS = 'window-timers';
const WINDOWS = 'windows';
const SESSIONS = 'session-windows';

/**
 * The window operator, after Flink's WindowOperator: assigns each record to windows, keeps their
 * contents in keyed state, asks the trigger when to fire, and discards a window at its cleanup time
 * (window end + allowed lateness). Lateness is judged per record against the watermark in effect
 * before it (inline batch watermarks), so results do not depend on batch boundaries.
 */
export class WindowOperator<IN, OUT> implements KeyedOperator<IN, OUT> {
  readonly keySelector: (value: IN) => Key;
  private ctx!: KeyedOperatorContext<OUT>;
  private backend!: KeyedStateBackend;
  private timers!: KeyedTimerService;
  private windows!: NamespacedState<WindowEntry>;
  private sessions!: ValueState<WindowEntry[]>;
  private out!: BatchBuilder<OUT>;
  private readonly starts: number[] = [];
  private readonly isEventTime: boolean;
  private readonly isMerging: boolean;
  /** The global window (count windows): `[−∞, +∞)`, no cleanup timer, results timed by their elements. */
  private readonly isGlobal: boolean;
  private readonly sizeMs: number;
  /** The event timestamp of the results of the window being emitted. */
  private resultTimestampMs = 0;
  private watermarkMs = Number.NEGATIVE_INFINITY;
  private emitted = 0;
  private currentKey: Key = '';
  private currentEntry!: WindowEntry;
  private readonly triggerCtx: TriggerContext & { currentWatermarkMs: number };
  private readonly windowCtx: WindowContext & { window: TimeWindow };
  private readonly collector: Collector<OUT>;

  constructor(private readonly config: WindowOperatorConfig<IN, OUT>) {
    this.keySelector = config.keySelector;
    this.isEventTime = config.assigner.isEventTime;
    this.isMerging = config.assigner.isMerging;
    this.sizeMs = config.assigner.sizeMs;
    this.isGlobal = this.sizeMs === Number.POSITIVE_INFINITY;
    this.triggerCtx = this.createTriggerContext();
    const op = this;
    this.windowCtx = {
      window: timeWindow(0, 0),
      get currentWatermarkMs() {
        return op.watermarkMs;
      },
      currentProcessingTimeMs: () => op.ctx.clock.nowMs(),
      output: <X>(tag: OutputTag<X>, value: X) => {
        op.ctx.output.emitSide(
          tag,
          singleRecord(op.ctx.operatorId, value, op.resultTimestampMs, op.emitted++),
        );
      },
    };
    this.collector = {
      collect: (value: OUT) => this.out.push(value, this.resultTimestampMs, this.emitted++),
    };
  }

  open(ctx: KeyedOperatorContext<OUT>): void {
    this.ctx = ctx;
    this.out = new BatchBuilder<OUT>(ctx.operatorId);
    this.backend = ctx.keyedState;
    this.timers = this.backend.getTimerService(TIMERS, (ts) => ctx.scheduleProcessingTime(ts));
    this.timers.reschedule();
    if (this.isMerging) this.sessions = this.backend.getValueState(valueState<WindowEntry[]>(SESSIONS));
    else this.windows = this.backend.getNamespacedState<WindowEntry>(WINDOWS);
  }

  processBatch(batch: RecordBatch<IN>): void {
    const { values, timestampsMs, watermarksMs } = batch;
    const n = values.length;
    const nowMs = this.isEventTime ? 0 : this.ctx.clock.nowMs();
    for (let i = 0; i < n; i++) {
      if (watermarksMs !== undefined) {
        const w = watermarksMs[i] as number;
        if (w > this.watermarkMs) this.advanceWatermark(w);
      }
      try {
        const value = values[i] as IN;
        const timestampMs = this.isEventTime ? (timestampsMs[i] as number) : nowMs;
        if (Number.isNaN(timestampMs)) throw missingTimestamp();
        const key = this.keySelector(value);
        this.backend.setCurrentKey(key);
        this.currentKey = key;
        const assigned = this.isMerging
          ? this.addToSession(value, timestampMs)
          : this.addToWindows(value, timestampMs, timestampsMs[i] as number);
        if (!assigned) this.handleLate(batch, i, timestampMs);
      } catch (e) {
        routeRecordFailure(this.ctx, batch, i, e);
      }
    }
    this.flush();
  }

  /**
   * Adds a record to its fixed-size windows (or the global window); false when every window was
   * already past its cleanup time. `eventTimeMs` is the record's own timestamp (NaN when it has none).
   */
  private addToWindows(value: IN, timestampMs: number, eventTimeMs: number): boolean {
    const count = this.config.assigner.assignWindowStarts(timestampMs, this.starts);
    let assigned = false;
    for (let w = 0; w < count; w++) {
      const start = this.starts[w] as number;
      if (this.isEventTime && start + this.sizeMs - 1 + this.config.allowedLatenessMs <= this.watermarkMs)
        continue;
      assigned = true;
      let entry = this.windows.get(start);
      if (entry === undefined) {
        // The global window's start is −∞ and its size +∞: their sum would be NaN.
        entry = this.newEntry(start, this.isGlobal ? GLOBAL_WINDOW : timeWindow(start, start + this.sizeMs));
        this.windows.set(start, entry);
      }
      if (this.isGlobal && eventTimeMs > entry.maxEventTimeMs) entry.maxEventTimeMs = eventTimeMs;
      this.addToEntry(entry, value, timestampMs);
    }
    return assigned;
  }

  /** Adds a record to its key's sessions, merging every session its window touches. */
  private addToSession(value: IN, timestampMs: number): boolean {
    const fresh = timeWindow(timestampMs, timestampMs + this.sizeMs);
    const sessions = this.sessions.value() ?? [];
    const touching = sessions.filter((s) => windowsIntersect(s.window, fresh));
    let entry: WindowEntry;
    if (touching.length === 0) {
      if (this.isEventTime && this.cleanupTimeMs(fresh) <= this.watermarkMs) return false;
      entry = this.newEntry(timestampMs, fresh);
      sessions.push(entry);
    } else {
      entry = touching[0] as WindowEntry;
      let start = fresh.start;
      let end = fresh.end;
      for (const s of touching) {
        start = Math.min(start, s.window.start);
        end = Math.max(end, s.window.end);
      }
      if (touching.length > 1 || start !== entry.window.start || end !== entry.window.end) {
        this.mergeSessions(entry, touching, timeWindow(start, end), sessions);
      }
    }
    this.addToEntry(entry, value, timestampMs);
    this.sessions.update(sessions);
    return true;
  }

  private mergeSessions(
    target: WindowEntry,
    parts: WindowEntry[],
    merged: TimeWindow,
    sessions: WindowEntry[],
  ): void {
    for (const part of parts) {
      this.withEntry(part, () => this.config.trigger.clear(part.window, this.triggerCtx));
      this.deleteCleanupTimer(part);
      if (part === target) continue;
      if (part.hasContents) {
        target.contents = target.hasContents
          ? this.config.contents.merge(target.contents, part.contents)
          : part.contents;
        target.hasContents = true;
      }
      sessions.splice(sessions.indexOf(part), 1);
    }
    target.window = merged;
    target.triggerState = undefined;
    target.eventTimerMs = Number.NaN;
    this.registerCleanupTimer(target);
    this.withEntry(target, () => this.config.trigger.onMerge?.(merged, this.triggerCtx));
  }

  private newEntry(id: number, window: TimeWindow): WindowEntry {
    const entry: WindowEntry = {
      id,
      window,
      contents: this.config.contents.create(),
      hasContents: false,
      triggerState: undefined,
      eventTimerMs: Number.NaN,
      cleanupTimerMs: Number.NaN,
      maxEventTimeMs: Number.NEGATIVE_INFINITY,
    };
    this.registerCleanupTimer(entry);
    return entry;
  }

  private addToEntry(entry: WindowEntry, value: IN, timestampMs: number): void {
    if (!entry.hasContents) {
      entry.contents = this.config.contents.create();
      entry.hasContents = true;
    }
    entry.contents = this.config.contents.add(entry.contents, value, timestampMs);
    this.currentEntry = entry;
    const result = this.config.trigger.onElement(value, timestampMs, entry.window, this.triggerCtx);
    if (result === 'continue') return;
    if (isFire(result)) this.emitWindow(entry);
    if (isPurge(result)) this.purge(entry);
  }

  private handleLate(batch: RecordBatch<IN>, i: number, timestampMs: number): void {
    if (!this.isEventTime || timestampMs + this.config.allowedLatenessMs > this.watermarkMs) return;
    const tag = this.config.lateDataTag;
    if (tag === undefined) {
      this.ctx.count('lateRecordsDropped');
      return;
    }
    this.ctx.output.emitSide(
      tag,
      singleRecord(batch.origin, batch.values[i] as IN, timestampMs, batch.positions[i] as number),
    );
    this.ctx.count('lateRecordsSideOutput');
  }

  private cleanupTimeMs(window: TimeWindow): number {
    if (!this.isEventTime) return maxTimestamp(window);
    return maxTimestamp(window) + this.config.allowedLatenessMs;
  }

  private registerCleanupTimer(entry: WindowEntry): void {
    const ts = this.cleanupTimeMs(entry.window);
    if (!Number.isFinite(ts)) return; // the global window lives forever (and timer queues refuse +∞)
    entry.cleanupTimerMs = ts;
    if (this.isEventTime) this.timers.registerEventTimeTimer(this.currentKey, entry.id, ts);
    else this.timers.registerProcessingTimeTimer(this.currentKey, entry.id, ts);
  }

  private deleteCleanupTimer(entry: WindowEntry): void {
    const ts = entry.cleanupTimerMs;
    if (Number.isNaN(ts)) return;
    if (this.isEventTime) this.timers.deleteEventTimeTimer(this.currentKey, entry.id, ts);
    else this.timers.deleteProcessingTimeTimer(this.currentKey, entry.id, ts);
    entry.cleanupTimerMs = Number.NaN;
  }

  private readonly onTimer = (timestampMs: number, key: Key, id: number, domain: TimerDomain): void => {
    this.backend.setCurrentKey(key);
    this.currentKey = key;
    const entry = this.findEntry(id);
    if (entry === undefined) return;
    this.currentEntry = entry;
    const trigger = this.config.trigger;
    const result =
      domain === 'eventTime'
        ? trigger.onEventTime(timestampMs, entry.window, this.triggerCtx)
        : trigger.onProcessingTime(timestampMs, entry.window, this.triggerCtx);
    if (isFire(result)) this.emitWindow(entry);
    if (isPurge(result)) this.purge(entry);
    const cleanupDomain: TimerDomain = this.isEventTime ? 'eventTime' : 'processingTime';
    if (domain === cleanupDomain && timestampMs === entry.cleanupTimerMs) this.discard(entry);
  };

  private findEntry(id: number): WindowEntry | undefined {
    if (!this.isMerging) return this.windows.get(id);
    return this.sessions.value()?.find((s) => s.id === id);
  }

  private emitWindow(entry: WindowEntry): void {
    if (!entry.hasContents) return;
    this.windowCtx.window = entry.window;
    this.resultTimestampMs = this.resultTimestampFor(entry);
    this.config.contents.emit(fromKey(this.currentKey), entry.contents, this.windowCtx, this.collector);
  }

  /**
   * A time window's results carry its last timestamp (`end - 1`), as in Flink. The global window has
   * no last timestamp (Flink stamps Long.MAX_VALUE, which breaks any event-time logic downstream), so
   * its results carry the largest event timestamp among the elements added since the last purge, or,
   * when none of them had one, the processing time of the firing. Never NaN, never infinite.
   */
  private resultTimestampFor(entry: WindowEntry): number {
    if (!this.isGlobal) return maxTimestamp(entry.window);
    const maxMs = entry.maxEventTimeMs;
    return Number.isFinite(maxMs) ? maxMs : this.ctx.clock.nowMs();
  }

  private purge(entry: WindowEntry): void {
    entry.contents = undefined;
    entry.hasContents = false;
    entry.maxEventTimeMs = Number.NEGATIVE_INFINITY;
  }

  /** Drops a window for good: its trigger's timers and state, then its contents. */
  private discard(entry: WindowEntry): void {
    this.withEntry(entry, () => this.config.trigger.clear(entry.window, this.triggerCtx));
    if (!this.isMerging) {
      this.windows.delete(entry.id);
      return;
    }
    const sessions = this.sessions.value() ?? [];
    const rest = sessions.filter((s) => s !== entry);
    if (rest.length === 0) this.sessions.clear();
    else this.sessions.update(rest);
  }

  private withEntry(entry: WindowEntry, fn: () => void): void {
    const saved = this.currentEntry;
    this.currentEntry = entry;
    fn();
    this.currentEntry = saved;
  }

  private advanceWatermark(watermarkMs: number): void {
    this.watermarkMs = watermarkMs;
    this.triggerCtx.currentWatermarkMs = watermarkMs;
    this.timers.advanceWatermark(watermarkMs, this.onTimer);
  }

  processWatermark(watermarkMs: number): void {
    if (watermarkMs > this.watermarkMs) this.advanceWatermark(watermarkMs);
    this.flush();
    this.ctx.output.emitWatermark(watermarkMs);
  }

  onProcessingTime(nowMs: number): void {
    this.timers.advanceProcessingTime(nowMs, this.onTimer);
    this.flush();
  }

  /**
   * End of a bounded input. Event-time windows already fired on the final watermark. Processing-time
   * windows still open fire now with what they hold, so a bounded job loses nothing. Count (global)
   * windows that never reached their count do not fire, as in Flink.
   */
  endInput(): void {
    if (!this.isEventTime && !this.isGlobal) {
      this.timers.advanceProcessingTime(Number.POSITIVE_INFINITY, this.onTimer);
    }
    this.flush();
  }

  private flush(): void {
    const batch = this.out.take();
    if (batch !== undefined) this.ctx.output.emit(batch);
  }

  private createTriggerContext(): TriggerContext & { currentWatermarkMs: number } {
    const state: TriggerState = {
      get: (name) => this.currentEntry.triggerState?.[name],
      set: (name, value) => {
        this.currentEntry.triggerState ??= {};
        this.currentEntry.triggerState[name] = value;
      },
      delete: (name) => {
        if (this.currentEntry.triggerState !== undefined) delete this.currentEntry.triggerState[name];
      },
    };
    return {
      currentWatermarkMs: Number.NEGATIVE_INFINITY,
      currentProcessingTimeMs: () => this.ctx.clock.nowMs(),
      registerEventTimeTimer: (ts) => {
        const entry = this.currentEntry;
        if (entry.eventTimerMs === ts) return;
        entry.eventTimerMs = ts;
        this.timers.registerEventTimeTimer(this.currentKey, entry.id, ts);
      },
      deleteEventTimeTimer: (ts) => {
        const entry = this.currentEntry;
        if (entry.eventTimerMs === ts) entry.eventTimerMs = Number.NaN;
        // The cleanup timer may share this timestamp; it must survive the trigger's clear.
        if (ts !== entry.cleanupTimerMs || !this.isEventTime)
          this.timers.deleteEventTimeTimer(this.currentKey, entry.id, ts);
      },
      registerProcessingTimeTimer: (ts) =>
        this.timers.registerProcessingTimeTimer(this.currentKey, this.currentEntry.id, ts),
      deleteProcessingTimeTimer: (ts) => {
        const entry = this.currentEntry;
        if (ts !== entry.cleanupTimerMs || this.isEventTime)
          this.timers.deleteProcessingTimeTimer(this.currentKey, entry.id, ts);
      },
      state,
    };
  }
}

function missingTimestamp(): Error {
  return new Error(
    'record has no event timestamp: call assignTimestampsAndWatermarks(...) before an event-time window, or use a processing-time window',
  );
}
