/**
 * The bounded hand-off between HTTP requests and the job, for one ingest stream: accepted requests
 * wait here until the source's reader takes them. A request enters whole or not at all, and is
 * taken whole (a batch holds whole requests), so when the job stops each request was either taken
 * (the job processes it) or not (its client is told to send it again): never half.
 *
 * Positions: every item of every accepted request (records and rejected items alike) gets the next
 * number of the stream's sequence, from 1, in body order. Records carry it in the pipeline (origin
 * `http:<stream>`), dead letters too, and the answer gives the range, so a client can tell which of
 * its records a later dead letter or error names.
 */

/** One item of a parsed body: a record, or a rejected item with why. `at` is its line or index in the body. */
export type IngestEntry =
  | { readonly at: number; readonly value: unknown }
  | { readonly at: number; readonly reason: string; readonly raw: string };

export function isRejected(entry: IngestEntry): entry is Extract<IngestEntry, { reason: string }> {
  return 'reason' in entry;
}

/** When a request's answer may go out. */
export type IngestWait = 'processed' | 'written';

/** An accepted request, followed until the job has it (or cannot). */
export class IngestTicket {
  readonly done: Promise<void>;
  settled = false;
  /** The records went through the whole job (set before a `written` wait for the flush). */
  throughJob = false;
  private resolveDone!: () => void;
  private rejectDone!: (e: Error) => void;

  constructor(
    readonly entries: readonly IngestEntry[],
    readonly records: number,
    readonly firstPosition: number,
    readonly wait: IngestWait,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => {}); // the HTTP handler awaits it; an abandoned ticket is no unhandled rejection
  }

  resolve(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveDone();
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectDone(error);
  }
}

/** The job could not take or finish an accepted request: answered 503, with what is known. */
export class IngestAbandonedError extends Error {
  override readonly name = 'IngestAbandonedError';
  constructor(
    message: string,
    /** Whether the records went through the job (only their write by the sinks is unconfirmed). */
    readonly processed: boolean,
  ) {
    super(message);
  }
}

/** What the reader takes: whole requests, their records as batch columns. */
export interface TakenRequests {
  readonly tickets: readonly IngestTicket[];
  readonly values: unknown[];
  readonly positions: number[];
  readonly rejects: ReadonlyArray<{
    readonly position: number;
    readonly reason: string;
    readonly raw: string;
  }>;
}

export class IngestQueue {
  private readonly waiting: IngestTicket[] = [];
  private bufferedRecords = 0;
  private nextPosition = 1;
  private wakeReader: (() => void) | undefined;

  constructor(readonly maxBufferedRecords: number) {}

  /** Records accepted and not yet taken. */
  get buffered(): number {
    return this.bufferedRecords;
  }

  /** False while the job is behind: new requests are refused (429) rather than buffered. */
  hasRoom(): boolean {
    return this.bufferedRecords < this.maxBufferedRecords;
  }

  /**
   * Accepts a whole request, or refuses it (undefined) while full. A request may overshoot the
   * bound by its own size, so one request larger than the buffer still gets in when it is empty.
   */
  offer(entries: readonly IngestEntry[], wait: IngestWait): IngestTicket | undefined {
    if (!this.hasRoom()) return undefined;
    let records = 0;
    for (const e of entries) if (!isRejected(e)) records++;
    const ticket = new IngestTicket(entries, records, this.nextPosition, wait);
    this.nextPosition += entries.length;
    this.waiting.push(ticket);
    this.bufferedRecords += records;
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    wake?.();
    return ticket;
  }

  /**
   * Takes whole requests while their records fit in `maxRecords`, and at least one request (so a
   * request larger than a batch goes as one larger batch). Undefined when nothing waits.
   */
  take(maxRecords: number): TakenRequests | undefined {
    if (this.waiting.length === 0) return undefined;
    const tickets: IngestTicket[] = [];
    const values: unknown[] = [];
    const positions: number[] = [];
    const rejects: Array<{ position: number; reason: string; raw: string }> = [];
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as IngestTicket;
      if (tickets.length > 0 && values.length + next.records > maxRecords) break;
      this.waiting.shift();
      tickets.push(next);
      this.bufferedRecords -= next.records;
      next.entries.forEach((entry, i) => {
        const position = next.firstPosition + i;
        if (isRejected(entry)) rejects.push({ position, reason: entry.reason, raw: entry.raw });
        else {
          values.push(entry.value);
          positions.push(position);
        }
      });
    }
    return { tickets, values, positions, rejects };
  }

  /** Resolves when a request is offered (at once if one waits) or `signal` aborts. */
  whenOffered(signal: AbortSignal): Promise<void> {
    if (this.waiting.length > 0 || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.wakeReader = undefined;
        resolve();
      };
      this.wakeReader = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Fails every request not taken yet: the job will never read them. */
  abandonWaiting(error: Error): void {
    for (const ticket of this.waiting.splice(0)) ticket.fail(error);
    this.bufferedRecords = 0;
  }
}
