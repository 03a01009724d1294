import { ConfigError } from '../../core/errors.js';
import { NO_TIMESTAMP, recordBatch } from '../../core/record-batch.js';
import type { Source, SourceContext, SourceMessage, SourceReader } from '../../core/source.js';
import { parseConnectorConfig } from '../connector-config.js';
import {
  type HttpIngestSourceConfig,
  type HttpIngestSourceOptions,
  httpIngestSourceSchema,
} from './config.js';
import { FlushCoalescer } from './flush-coalescer.js';
import { currentIngestHub, type IngestEndpoint, type IngestHub } from './ingest-hub.js';
import {
  IngestAbandonedError,
  type IngestEntry,
  IngestQueue,
  type IngestTicket,
  type IngestWait,
} from './ingest-queue.js';

const END = { kind: 'end' } as const;

/**
 * Records POSTed to `/ingest/<stream>` on the `sluice run --serve` port (server/ingest-api.ts): an
 * unbounded source with one split, `http:<stream>`. Each record's position is its number in the
 * stream's sequence (ingest-queue.ts). There is nothing to replay over HTTP, so the split has no
 * resume state: what a client was told is in the job is the client's to resend if the job dies.
 *
 * The job must run where an HTTP server routes to it: under `sluice run --serve`, or with `hub`
 * served by `serveSearchApi(engine, { ingest: { hub } })`. Without one the job fails at start,
 * saying to add `--serve` (one port for search and ingest, configured once, rather than a port per
 * source).
 */
export function httpIngestSource<T = unknown>(
  stream: string,
  options: HttpIngestSourceOptions & { hub?: IngestHub } = {},
): Source<T> {
  const { hub, ...rest } = options;
  const config = parseConnectorConfig('http-ingest source', httpIngestSourceSchema, { ...rest, stream });
  return httpIngestSourceFromConfig(config, hub) as Source<T>;
}

/** Builds the source from a validated config (the registry's entry point). */
export function httpIngestSourceFromConfig(config: HttpIngestSourceConfig, hub?: IngestHub): Source<unknown> {
  const name = `http:${config.stream}`;
  return {
    name,
    boundedness: 'unbounded',
    createReader: (ctx) => {
      const target = hub ?? currentIngestHub();
      if (target === undefined)
        throw new ConfigError(
          `httpIngestSource('${config.stream}') receives records over HTTP, and nothing serves HTTP here: run the pipeline with \`sluice run --serve\` (POST /ingest/${config.stream} on that port), or, in your own program, pass { hub } and serve it with serveSearchApi(engine, { ingest: { hub } })`,
        );
      return new HttpIngestReader(config, name, ctx, target);
    },
  };
}

/**
 * The reader is the stream's endpoint too. A request's answer waits until its records went
 * through the whole job (`ctx.drained()`), and with `wait: 'written'` until the sinks flushed
 * them too (`ctx.handOver([])`: drain, then flush every sink at a message boundary, giving no
 * split away). A batch returned by `read()` is confirmed at the next `read()` (the runtime has
 * queued it by then) or, for the last one, at `close()`.
 */
class HttpIngestReader implements SourceReader<unknown>, IngestEndpoint {
  readonly stream: string;
  readonly retryAfterSeconds: number;
  private readonly queue: IngestQueue;
  private readonly flushes: FlushCoalescer;
  private readonly detach: () => void;
  /** Tickets of the batch last returned, not yet handed to `drained()`. */
  private returned: IngestTicket[] = [];
  /** Every ticket taken by the job and not settled yet (failed at close if the job died). */
  private readonly inJob = new Set<IngestTicket>();

  constructor(
    config: HttpIngestSourceConfig,
    private readonly name: string,
    private readonly ctx: SourceContext,
    hub: IngestHub,
  ) {
    this.stream = config.stream;
    this.retryAfterSeconds = config.retryAfterSeconds;
    this.queue = new IngestQueue(config.maxBufferedRecords);
    this.flushes = new FlushCoalescer(() => ctx.handOver([]));
    this.detach = hub.attach(this);
  }

  hasRoom(): boolean {
    return this.queue.hasRoom();
  }

  submit(entries: readonly IngestEntry[], wait: IngestWait): IngestTicket | 'full' | 'stopped' {
    if (this.ctx.signal.aborted) return 'stopped';
    return this.queue.offer(entries, wait) ?? 'full';
  }

  async read(): Promise<SourceMessage<unknown>> {
    const { signal, batchSize } = this.ctx;
    for (;;) {
      this.confirmReturned();
      if (signal.aborted) return END;
      const taken = this.queue.take(batchSize);
      if (taken === undefined) {
        await this.queue.whenOffered(signal);
        continue;
      }
      for (const r of taken.rejects)
        this.ctx.deadLetter({ origin: this.name, position: r.position, reason: r.reason, record: r.raw });
      for (const ticket of taken.tickets) this.inJob.add(ticket);
      if (taken.values.length === 0) {
        // Only rejected items: the dead-letter route has them now.
        for (const ticket of taken.tickets) this.processed(ticket);
        continue;
      }
      this.returned = [...taken.tickets];
      const timestamps = new Array<number>(taken.values.length).fill(NO_TIMESTAMP);
      return { kind: 'data', batch: recordBatch(this.name, taken.values, timestamps, taken.positions) };
    }
  }

  async close(): Promise<void> {
    this.detach();
    this.queue.abandonWaiting(
      new IngestAbandonedError(
        `the job reading "${this.stream}" stopped before it took these records: none of them is in the job, send them again`,
        false,
      ),
    );
    if (this.returned.length > 0) {
      // After a clean end every message went through, and drained() resolves at once; after a
      // failure it never does. Deciding within one turn of the event loop tells the two apart.
      const tickets = this.returned;
      this.returned = [];
      const throughJob = await Promise.race([
        this.ctx.drained().then(() => true),
        new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
      ]);
      if (throughJob) for (const t of tickets) this.processed(t);
    }
    for (const ticket of this.inJob)
      ticket.fail(
        ticket.throughJob
          ? new IngestAbandonedError(
              `the job reading "${this.stream}" stopped before its sinks confirmed these records; they went through the job, and a clean stop flushes them`,
              true,
            )
          : new IngestAbandonedError(
              `the job reading "${this.stream}" ended before these records went through it`,
              false,
            ),
      );
    this.inJob.clear();
  }

  /** The batch returned last is in the runtime's queue now: follow it until it went through. */
  private confirmReturned(): void {
    if (this.returned.length === 0) return;
    const tickets = this.returned;
    this.returned = [];
    void this.ctx.drained().then(() => {
      for (const t of tickets) this.processed(t);
    });
  }

  private processed(ticket: IngestTicket): void {
    ticket.throughJob = true;
    if (ticket.wait === 'processed') {
      this.settle(ticket, undefined);
      return;
    }
    this.flushes.request().then(
      () => this.settle(ticket, undefined),
      () =>
        this.settle(
          ticket,
          new IngestAbandonedError(
            `the job reading "${this.stream}" stopped before its sinks confirmed these records; they went through the job, and a clean stop flushes them`,
            true,
          ),
        ),
    );
  }

  private settle(ticket: IngestTicket, error: Error | undefined): void {
    this.inJob.delete(ticket);
    if (error === undefined) ticket.resolve();
    else ticket.fail(error);
  }
}
