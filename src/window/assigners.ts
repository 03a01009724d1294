import { ConfigError } from '../core/errors.js';
import { windowStartFor } from './time-window.js';
import type { Trigger } from './trigger.js';
import { EventTimeTrigger, ProcessingTimeTrigger } from './triggers.js';
import type { WindowAssigner } from './window-assigner.js';

function positive(what: string, ms: number): number {
  if (!(ms > 0) || !Number.isFinite(ms))
    throw new ConfigError(`${what} must be a positive number of ms, got ${ms}`);
  return ms;
}

function timeTrigger(isEventTime: boolean): Trigger<unknown> {
  return isEventTime ? EventTimeTrigger.INSTANCE : ProcessingTimeTrigger.INSTANCE;
}

class Tumbling implements WindowAssigner {
  readonly isMerging = false;
  readonly description: string;

  constructor(
    readonly isEventTime: boolean,
    readonly sizeMs: number,
    private readonly offsetMs: number,
  ) {
    positive('tumbling window size', sizeMs);
    if (Math.abs(offsetMs) >= sizeMs)
      throw new ConfigError(`window offset (${offsetMs} ms) must be smaller than the size (${sizeMs} ms)`);
    this.description = `Tumbling${isEventTime ? 'EventTime' : 'ProcessingTime'}Windows(${sizeMs}ms)`;
  }

  assignWindowStarts(timestampMs: number, starts: number[]): number {
    starts[0] = windowStartFor(timestampMs, this.offsetMs, this.sizeMs);
    return 1;
  }

  defaultTrigger(): Trigger<unknown> {
    return timeTrigger(this.isEventTime);
  }
}

class Sliding implements WindowAssigner {
  readonly isMerging = false;
  readonly description: string;

  constructor(
    readonly isEventTime: boolean,
    readonly sizeMs: number,
    private readonly slideMs: number,
    private readonly offsetMs: number,
  ) {
    positive('sliding window size', sizeMs);
    positive('sliding window slide', slideMs);
    if (Math.abs(offsetMs) >= slideMs)
      throw new ConfigError(`window offset (${offsetMs} ms) must be smaller than the slide (${slideMs} ms)`);
    this.description = `Sliding${isEventTime ? 'EventTime' : 'ProcessingTime'}Windows(${sizeMs}ms, ${slideMs}ms)`;
  }

  assignWindowStarts(timestampMs: number, starts: number[]): number {
    let n = 0;
    const last = windowStartFor(timestampMs, this.offsetMs, this.slideMs);
    for (let start = last; start > timestampMs - this.sizeMs; start -= this.slideMs) starts[n++] = start;
    return n;
  }

  defaultTrigger(): Trigger<unknown> {
    return timeTrigger(this.isEventTime);
  }
}

class Session implements WindowAssigner {
  readonly isMerging = true;
  readonly description: string;

  constructor(
    readonly isEventTime: boolean,
    readonly sizeMs: number,
  ) {
    positive('session gap', sizeMs);
    this.description = `${isEventTime ? 'EventTime' : 'ProcessingTime'}SessionWindows(gap ${sizeMs}ms)`;
  }

  assignWindowStarts(timestampMs: number, starts: number[]): number {
    starts[0] = timestampMs;
    return 1;
  }

  defaultTrigger(): Trigger<unknown> {
    return timeTrigger(this.isEventTime);
  }
}

class Global implements WindowAssigner {
  readonly isMerging = false;
  readonly isEventTime = false;
  readonly sizeMs = Number.POSITIVE_INFINITY;
  readonly description = 'GlobalWindows';

  /** One window for all elements; the window operator uses GLOBAL_WINDOW for it (start + size would be NaN). */
  assignWindowStarts(_timestampMs: number, starts: number[]): number {
    starts[0] = Number.NEGATIVE_INFINITY;
    return 1;
  }

  /** The global window never fires on its own: pair it with a trigger (count windows do). */
  defaultTrigger(): Trigger<unknown> {
    return NEVER_TRIGGER;
  }
}

const NEVER_TRIGGER: Trigger<unknown> = {
  onElement: () => 'continue',
  onEventTime: () => 'continue',
  onProcessingTime: () => 'continue',
  clear: () => {},
};

export const TumblingEventTimeWindows = {
  of: (sizeMs: number, offsetMs = 0): WindowAssigner => new Tumbling(true, sizeMs, offsetMs),
};
export const TumblingProcessingTimeWindows = {
  of: (sizeMs: number, offsetMs = 0): WindowAssigner => new Tumbling(false, sizeMs, offsetMs),
};
export const SlidingEventTimeWindows = {
  of: (sizeMs: number, slideMs: number, offsetMs = 0): WindowAssigner =>
    new Sliding(true, sizeMs, slideMs, offsetMs),
};
export const SlidingProcessingTimeWindows = {
  of: (sizeMs: number, slideMs: number, offsetMs = 0): WindowAssigner =>
    new Sliding(false, sizeMs, slideMs, offsetMs),
};
export const EventTimeSessionWindows = {
  withGap: (gapMs: number): WindowAssigner => new Session(true, gapMs),
};
export const ProcessingTimeSessionWindows = {
  withGap: (gapMs: number): WindowAssigner => new Session(false, gapMs),
};
export const GlobalWindows = {
  create: (): WindowAssigner => new Global(),
};
