/**
 * A window covers event (or processing) time `[start, end)`; its last timestamp is `end - 1`,
 * which is also the timestamp of every result it emits. The global window (count windows) spans
 * all time, `[−∞, +∞)`: its last timestamp is +∞, so it gets no cleanup timer, and the window
 * operator stamps its results with the largest event timestamp of their elements instead.
 */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

export function timeWindow(start: number, end: number): TimeWindow {
  return { start, end };
}

export function maxTimestamp(w: TimeWindow): number {
  return w.end - 1;
}

export const GLOBAL_WINDOW: TimeWindow = Object.freeze({
  start: Number.NEGATIVE_INFINITY,
  end: Number.POSITIVE_INFINITY,
});

/** Flink's rule: windows that overlap or touch (`[0,10)` and `[10,20)`) merge into one session. */
export function windowsIntersect(a: TimeWindow, b: TimeWindow): boolean {
  return a.start <= b.end && a.end >= b.start;
}

/** Start of the fixed-size window containing `timestampMs` (Flink's `getWindowStartWithOffset`). */
export function windowStartFor(timestampMs: number, offsetMs: number, sizeMs: number): number {
  const remainder = (timestampMs - offsetMs) % sizeMs;
  return remainder < 0 ? timestampMs - (remainder + sizeMs) : timestampMs - remainder;
}
