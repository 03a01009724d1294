/**
 * The real embedded engine behind a fault-injecting wrapper, for the search sink's tests (a
 * fixture like embedded/cross-process-reader.fixture.ts; production code never imports it). It can make
 * the engine unreachable (every call throws ECONNREFUSED, like a cluster that is down), answer
 * chosen items with an error instead of applying them (429 storms, 500s), and take `latencyMs`
 * of manual-clock time per bulk request, so several requests are in flight at once. It records
 * what the sink sent: request sizes, their NDJSON bytes, the peak of concurrent requests, and
 * whether two requests in flight ever carried the same document.
 */
import type { BulkAction, BulkOptions, BulkResponse, BulkResponseItem } from '../../search/bulk.js';
import { bulkOpType } from '../../search/bulk.js';
import type { SearchEngine } from '../../search/search-engine.js';
import type { ManualClock } from '../../time/manual-clock.js';

export interface InjectedItemError {
  readonly status: number;
  readonly type: string;
}

function keyOf(action: BulkAction): string | undefined {
  const target = (action as unknown as Record<string, { _index: string; _id?: string }>)[bulkOpType(action)];
  return target?._id === undefined ? undefined : `${target._index}/${target._id}`;
}

export class FaultEngine {
  /** Manual-clock time each bulk request takes. */
  latencyMs = 0;
  /** While true, every engine call fails as a refused connection does. */
  down: () => boolean = () => false;
  /** Per action of a bulk request (numbered from 1): an error to answer instead of applying it. */
  itemFault: ((action: BulkAction, call: number) => InjectedItemError | undefined) | undefined;

  readonly requests: Array<{ readonly actions: number; readonly bytes: number | undefined }> = [];
  inFlight = 0;
  peakInFlight = 0;
  sameDocumentInFlight = false;
  private readonly keysInFlight = new Set<string>();

  constructor(
    readonly engine: SearchEngine,
    private readonly clock: ManualClock,
  ) {}

  asEngine(): SearchEngine {
    return new Proxy(this.engine, {
      get: (target, prop, receiver) => {
        if (prop === 'bulk')
          return (actions: readonly BulkAction[], options?: BulkOptions) => this.bulk(actions, options);
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || prop === 'close') return typeof v === 'function' ? v.bind(target) : v;
        return (...args: unknown[]) => {
          this.throwIfDown();
          return v.apply(target, args);
        };
      },
    });
  }

  private throwIfDown(): void {
    if (this.down()) {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9200'), { code: 'ECONNREFUSED' });
    }
  }

  private async bulk(actions: readonly BulkAction[], options: BulkOptions = {}): Promise<BulkResponse> {
    this.throwIfDown();
    const call = this.requests.length + 1;
    const bytes = options.serialized?.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    this.requests.push({ actions: actions.length, bytes });
    const keys = actions.map(keyOf).filter((k): k is string => k !== undefined);
    for (const k of new Set(keys)) {
      if (this.keysInFlight.has(k)) this.sameDocumentInFlight = true;
      this.keysInFlight.add(k);
    }
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      if (this.latencyMs > 0)
        await this.clock.sleepUntil(this.clock.nowMs() + this.latencyMs, options.signal);
      const faults = actions.map((a) => this.itemFault?.(a, call));
      if (faults.every((f) => f === undefined)) return await this.engine.bulk(actions, options);
      const passed = actions.filter((_, i) => faults[i] === undefined);
      const real = passed.length > 0 ? (await this.engine.bulk(passed)).items : [];
      let next = 0;
      const items = actions.map((a, i): BulkResponseItem => {
        const f = faults[i];
        if (f === undefined) return real[next++] as BulkResponseItem;
        const key = keyOf(a) ?? 'x/x';
        return {
          [bulkOpType(a)]: {
            _index: key.split('/')[0] as string,
            _id: key.split('/')[1] as string,
            status: f.status,
            error: { type: f.type, reason: `injected ${f.type}` },
          },
        };
      });
      return { took: 0, errors: true, items };
    } finally {
      this.inFlight--;
      for (const k of keys) this.keysInFlight.delete(k);
    }
  }
}

/** Lets every pending promise callback and immediate run (the engine's commits included). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Advances the manual clock in steps of `stepMs` until `done()` or `maxSteps` (a bound, never a hang). */
export async function drive(
  clock: ManualClock,
  done: () => boolean,
  options: { stepMs: number; maxSteps: number },
): Promise<number> {
  let steps = 0;
  await settle();
  while (!done() && steps < options.maxSteps) {
    clock.advance(options.stepMs);
    steps++;
    await settle();
  }
  return steps;
}

/** A promise's state, readable synchronously. */
export function track<T>(promise: Promise<T>): {
  settled: boolean;
  error: unknown;
  readonly promise: Promise<T>;
} {
  const state = { settled: false, error: undefined as unknown, promise };
  promise.then(
    () => {
      state.settled = true;
    },
    (e: unknown) => {
      state.settled = true;
      state.error = e;
    },
  );
  return state;
}
