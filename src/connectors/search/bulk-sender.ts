import type { Clock } from '../../core/clock.js';
import { SluiceError } from '../../core/errors.js';
import type { BulkItemResult, BulkResponse } from '../../search/bulk.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { type BackoffPolicy, backoffDelayMs } from '../backoff.js';
import { AdaptiveConcurrency } from './adaptive-concurrency.js';
import { type BulkEntry, documentKey } from './bulk-entry.js';
import type { BulkResponseInspector, Verdict } from './response-inspector.js';

/** The job must stop: retrying would not help and skipping would lose data. */
export class BulkWriteError extends SluiceError {
  override readonly name = 'BulkWriteError';
}

export interface BulkSenderOptions {
  readonly maxInFlightRequests: number;
  /** `retry` verdicts per action before it is dead-lettered (backpressure spends none). */
  readonly retryBudget: number;
  readonly backoff: BackoffPolicy;
  /** Jitter source (tests pin it); default Math.random. */
  readonly random?: () => number;
}

/** What the sender reports back to the writer that owns it. */
export interface BulkSenderEvents {
  acknowledged(entry: BulkEntry, reason: 'alreadyExists' | 'stale' | undefined): void;
  /** Refused for good: the writer routes it to the dead letters (it may add a new entry for that). */
  deadLettered(entry: BulkEntry, reason: string): void;
  /**
   * Runs before each attempt of a request (index setup); answers the entries to send, in order:
   * the same, some rewritten (an `index` into a data stream becomes `create`), or fewer (the
   * callee resolved the others, e.g. dead-lettered them). Its errors are judged like a request's.
   */
  prepare(entries: readonly BulkEntry[]): Promise<readonly BulkEntry[]>;
  /** A request finished for good (every action resolved), or failed; the writer can cut the next. */
  settled(): void;
  setStatus(status: string | undefined): void;
  count(counter: string, delta?: number): void;
}

/**
 * Sends requests cut by the writer, several in flight, and sees each through to the end (Flink's
 * async sink writer): a request owns its actions until every one of them is acknowledged,
 * dead-lettered or has failed the job. Actions answered `retry` or `backpressure` are resent
 * after a backoff, the rest of the request resolved meanwhile; the keys of the actions a request
 * owns stay marked in flight until then, so a document's later actions cannot overtake.
 *
 * Concurrency is adaptive (AdaptiveConcurrency): backpressure halves it and sets a gate before
 * which no request goes out (full jitter, capped at `backoff.maxMs`), clean answers raise it again.
 * Backpressure is waited out for as long as it lasts; memory stays bounded because no new request
 * is cut while as many are in flight as the limit allows. Every sleep and every request honours
 * the job's abort signal.
 */
export class BulkSender {
  private readonly concurrency: AdaptiveConcurrency;
  /** The requests started and not settled, and (built on demand) the document keys they hold. */
  private readonly inFlightRequests = new Set<BulkEntry[]>();
  private keysInFlight: Set<string> | undefined;
  private requestsInFlight = 0;
  private ownedRequests = 0;
  private permitWaiters: Array<() => void> = [];
  /** No request goes out before this time (set by backpressure). */
  private gateMs = 0;
  /** Consecutive backpressure answers since the last clean one: the backoff attempt number. */
  private pressureStreak = 0;
  /** Actions and requests pushed back since the last clean answer (for the status line). */
  private pushedBack = 0;
  private lastPressureLabel = '';
  failure: unknown;

  constructor(
    private readonly engine: SearchEngine,
    private readonly inspector: BulkResponseInspector,
    private readonly options: BulkSenderOptions,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
    private readonly events: BulkSenderEvents,
  ) {
    this.concurrency = new AdaptiveConcurrency(1, options.maxInFlightRequests);
    signal.addEventListener('abort', () => this.wakePermitWaiters(), { once: true });
  }

  get concurrencyLimit(): number {
    return this.concurrency.limit;
  }

  /** Requests started and not yet settled (including those sleeping before a resend). */
  get pending(): number {
    return this.ownedRequests;
  }

  /** Whether the writer may cut another request now. */
  canStart(): boolean {
    return this.failure === undefined && this.ownedRequests < this.concurrency.limit;
  }

  /**
   * Whether a document has an action in a request not yet settled; undefined when no request is,
   * so the writer skips the check. The key set is built when first asked after a change.
   */
  heldKeys(): ((key: string) => boolean) | undefined {
    if (this.inFlightRequests.size === 0) return undefined;
    if (this.keysInFlight === undefined) {
      const keys = new Set<string>();
      for (const request of this.inFlightRequests) {
        for (const e of request) {
          const key = documentKey(e);
          if (key !== undefined) keys.add(key);
        }
      }
      this.keysInFlight = keys;
    }
    const keys = this.keysInFlight;
    return (key) => keys.has(key);
  }

  start(entries: BulkEntry[]): void {
    this.ownedRequests++;
    this.inFlightRequests.add(entries);
    this.keysInFlight = undefined;
    this.run(entries)
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.inFlightRequests.delete(entries);
        this.keysInFlight = undefined;
        this.ownedRequests--;
        this.events.settled();
      });
  }

  private abortError(pending: number): BulkWriteError {
    return new BulkWriteError(`the job was cancelled with ${pending} actions not yet acknowledged`);
  }

  private async run(entries: BulkEntry[]): Promise<void> {
    let pending = entries;
    let retryRound = 0;
    while (pending.length > 0) {
      let response: BulkResponse | undefined;
      let requestError: unknown;
      let ticket = this.concurrency.ticket;
      try {
        pending = [...(await this.events.prepare(pending))];
        if (pending.length === 0) return;
        await this.acquire(pending.length);
        ticket = this.concurrency.ticket;
        try {
          response = await this.engine.bulk(
            pending.map((e) => e.action),
            { serialized: pending.map((e) => e.ndjson), signal: this.signal },
          );
        } finally {
          this.release();
        }
      } catch (e) {
        if (e instanceof BulkWriteError) throw e;
        requestError = e;
      }
      if (this.signal.aborted) throw this.abortError(pending.length);
      const outcome =
        response === undefined
          ? this.judgeRequestError(pending, requestError)
          : this.judgeItems(pending, response);
      pending = outcome.resend;
      if (outcome.pressure !== undefined) {
        this.onPressure(ticket, outcome.pressure, outcome.pushedBack);
        await this.clock.sleepUntil(this.gateMs, this.signal);
      } else {
        this.onCleanAnswer();
        if (pending.length > 0) {
          this.events.count('bulkRetries');
          const delayMs = backoffDelayMs(this.options.backoff, ++retryRound, this.options.random);
          await this.clock.sleepUntil(this.clock.nowMs() + delayMs, this.signal);
        }
      }
      if (this.signal.aborted) throw this.abortError(pending.length);
    }
  }

  private judgeRequestError(pending: BulkEntry[], error: unknown): Outcome {
    const verdict = this.inspector.inspectRequestError(error);
    if (verdict.kind === 'backpressure') {
      return { resend: pending, pressure: shortLabel(verdict.reason), pushedBack: 1 };
    }
    if (verdict.kind === 'fail') {
      throw new BulkWriteError(`bulk request of ${pending.length} actions failed: ${verdict.reason}`, {
        cause: error,
      });
    }
    const resend: BulkEntry[] = [];
    for (const e of pending) if (this.resolve(e, verdict)) resend.push(e);
    return { resend, pressure: undefined, pushedBack: 0 };
  }

  private judgeItems(pending: BulkEntry[], response: BulkResponse): Outcome {
    // `errors: false` means every item succeeded (ES's contract): no need to read the items.
    if (!response.errors) {
      for (const e of pending) this.events.acknowledged(e, undefined);
      return { resend: [], pressure: undefined, pushedBack: 0 };
    }
    const items = response.items;
    if (items.length !== pending.length) {
      throw new BulkWriteError(
        `the search engine answered ${items.length} items for ${pending.length} actions`,
      );
    }
    const resend: BulkEntry[] = [];
    // Keys with an action being resent: their later actions in this request are resent after it,
    // whatever their answer, so a document never ends on an older version of itself.
    let resentKeys: Set<string> | undefined;
    let pressure: string | undefined;
    let pushedBack = 0;
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i] as BulkEntry;
      const key = resentKeys === undefined ? undefined : documentKey(e);
      if (key !== undefined && resentKeys?.has(key)) {
        resend.push(e);
        continue;
      }
      const item = items[i]?.[e.op] as BulkItemResult | undefined;
      if (item === undefined) {
        throw new BulkWriteError(`the search engine answered item ${i} without a "${e.op}" result`);
      }
      const verdict: Verdict =
        item.error === undefined ? OK : this.inspector.inspectItem(e.op, e.target, item);
      if (verdict.kind === 'fail') {
        throw new BulkWriteError(
          `the search engine refused ${e.op} into "${item._index}" (${verdict.reason})`,
        );
      }
      if (verdict.kind === 'backpressure') {
        pressure ??= shortLabel(verdict.reason);
        pushedBack++;
      }
      if (this.resolve(e, verdict)) {
        resend.push(e);
        const resentKey = documentKey(e);
        if (resentKey !== undefined) (resentKeys ??= new Set()).add(resentKey);
      }
    }
    return { resend, pressure, pushedBack };
  }

  /** Applies a verdict other than `fail` to one action; true when it must be sent again. */
  private resolve(e: BulkEntry, verdict: Verdict): boolean {
    switch (verdict.kind) {
      case 'ok':
        this.events.acknowledged(e, verdict.reason);
        return false;
      case 'backpressure':
        return true;
      case 'retry':
        if (++e.retries <= this.options.retryBudget) return true;
        this.events.deadLettered(e, `gave up after ${this.options.retryBudget} retries: ${verdict.reason}`);
        return false;
      case 'deadLetter':
        this.events.deadLettered(e, verdict.reason);
        return false;
      case 'fail':
        throw new BulkWriteError(verdict.reason);
    }
  }

  private onPressure(ticket: number, label: string, pushedBack: number): void {
    this.concurrency.onBackpressure(ticket);
    this.pressureStreak++;
    this.pushedBack += pushedBack;
    this.lastPressureLabel = label;
    const delayMs = backoffDelayMs(this.options.backoff, this.pressureStreak, this.options.random);
    this.gateMs = Math.max(this.gateMs, this.clock.nowMs() + delayMs);
    this.events.count('backpressureWaits');
    const waitS = ((this.gateMs - this.clock.nowMs()) / 1000).toFixed(1);
    this.events.setStatus(
      `cluster answered ${this.lastPressureLabel} ×${this.pushedBack}; backing off ${waitS} s, concurrency ${this.concurrency.limit}`,
    );
  }

  private onCleanAnswer(): void {
    this.concurrency.onSuccess();
    if (this.pressureStreak === 0) return;
    this.pressureStreak = 0;
    this.pushedBack = 0;
    this.events.setStatus(undefined);
  }

  /** Waits for the backpressure gate and for a free request slot under the current limit. */
  private async acquire(pending: number): Promise<void> {
    for (;;) {
      if (this.signal.aborted) throw this.abortError(pending);
      if (this.clock.nowMs() < this.gateMs) {
        await this.clock.sleepUntil(this.gateMs, this.signal);
        continue;
      }
      if (this.requestsInFlight < this.concurrency.limit) {
        this.requestsInFlight++;
        return;
      }
      await new Promise<void>((resolve) => this.permitWaiters.push(resolve));
    }
  }

  private release(): void {
    this.requestsInFlight--;
    this.wakePermitWaiters();
  }

  private wakePermitWaiters(): void {
    const waiters = this.permitWaiters;
    this.permitWaiters = [];
    for (const wake of waiters) wake();
  }
}

const OK: Verdict = { kind: 'ok' };

interface Outcome {
  readonly resend: BulkEntry[];
  /** Set when the answer was backpressure: a short label for the status line. */
  readonly pressure: string | undefined;
  readonly pushedBack: number;
}

/** `429 rejected_execution_exception: rejected execution of ...` -> `429 rejected_execution_exception`. */
function shortLabel(reason: string): string {
  const colon = reason.indexOf(':');
  const head = colon > 0 ? reason.slice(0, colon) : reason;
  return head.length > 80 ? `${head.slice(0, 77)}...` : head;
}
