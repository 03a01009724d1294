import type { TimeWindow } from './time-window.js';

/**
 * What a trigger decides for a window: keep collecting, emit its current result, drop its
 * contents, or both. Firing without purging keeps accumulating (early and late firings emit
 * updated results).
 */
export type TriggerResult = 'continue' | 'fire' | 'purge' | 'fireAndPurge';

/** Per-window trigger state (a count so far, the next early-firing time), cleared with the window. */
export interface TriggerState {
  get(name: string): number | undefined;
  set(name: string, value: number): void;
  delete(name: string): void;
}

/** Given to triggers for the window (and key) being processed. */
export interface TriggerContext {
  readonly currentWatermarkMs: number;
  currentProcessingTimeMs(): number;
  registerEventTimeTimer(timestampMs: number): void;
  deleteEventTimeTimer(timestampMs: number): void;
  registerProcessingTimeTimer(timestampMs: number): void;
  deleteProcessingTimeTimer(timestampMs: number): void;
  readonly state: TriggerState;
}

/**
 * Decides when a window emits, as in Flink. The window operator calls it per element and per timer
 * of the window; `clear` runs when the window is discarded and must delete the trigger's timers and state.
 * `onMerge` (session windows) runs on the merged window after its parts' triggers were cleared.
 */
export interface Trigger<T> {
  onElement(value: T, timestampMs: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onEventTime(timeMs: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onProcessingTime(timeMs: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onMerge?(window: TimeWindow, ctx: TriggerContext): void;
  clear(window: TimeWindow, ctx: TriggerContext): void;
}

export function isFire(r: TriggerResult): boolean {
  return r === 'fire' || r === 'fireAndPurge';
}

export function isPurge(r: TriggerResult): boolean {
  return r === 'purge' || r === 'fireAndPurge';
}
