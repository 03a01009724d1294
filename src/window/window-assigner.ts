import type { Trigger } from './trigger.js';

/**
 * Assigns records to windows. Every window an assigner makes has the same length `sizeMs`
 * (`[start, start + sizeMs)`), so an assigner only writes window *starts*: the window operator
 * creates a window object once per (key, window), not once per record. Session windows start as
 * `[timestamp, timestamp + gap)` and are then merged (`isMerging`).
 */
export interface WindowAssigner {
  readonly description: string;
  /** Event time (record timestamps, watermarks) or processing time (the clock). */
  readonly isEventTime: boolean;
  /** Session windows: overlapping windows of a key merge into one. */
  readonly isMerging: boolean;
  /** Window length in ms; Infinity for the global window. */
  readonly sizeMs: number;
  /**
   * Writes the starts of all windows containing `timestampMs` into `starts` (reused across calls)
   * and returns how many. `timestampMs` is the record's event time, or "now" for processing time.
   */
  assignWindowStarts(timestampMs: number, starts: number[]): number;
  defaultTrigger(): Trigger<unknown>;
}
