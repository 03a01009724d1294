import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { QuantileTable } from './quantile-table.js';
import {
  CLIENT_ERROR_BYTES,
  type Client,
  type PathEntry,
  type PathKind,
  pathPool,
  REFERRERS,
  SERVER_ERROR_BYTES,
  SERVER_ERROR_SLOWDOWN,
  USER_AGENTS,
} from './web-access-pools.js';
import { WeightedChoice, zipfWeights } from './weighted-choice.js';

/**
 * Seeded, reproducible web-access events shaped like a real shop's access log: the same seed and
 * options give the same events on every machine and every run.
 *
 * Shapes: paths follow a Zipf law (a few pages get most hits); each path has a kind (page,
 * static asset, API, probe for a missing file) that decides its methods, status codes, response
 * sizes and latencies; mostly 200s, static assets often 304, probes 404, some 4xx/5xx; sizes and
 * latencies are log-normal, and 5xx responses are slow (see web-access-pools.ts). Clients are a
 * Zipf-weighted pool of IPs, each with its own stable user agent (browsers, phones, crawlers,
 * scripts). Event time advances by
 * exponentially distributed gaps (a Poisson arrival process) and, with `maxOutOfOrderMs`, each
 * timestamp lags by a uniform 0..maxOutOfOrderMs, so a bounded-out-of-orderness watermark with that
 * bound never sees a late event.
 *
 * `next()` allocates only the event object: every string comes from pools built up front, and
 * log-normal and exponential values come from quantile tables.
 */

export interface WebAccessEvent {
  /** Event time, epoch ms. */
  readonly timestampMs: number;
  readonly ip: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Response body size. */
  readonly bytes: number;
  readonly latencyMs: number;
  readonly userAgent: string;
  /** `-` when the request had none, as in the combined log format. */
  readonly referrer: string;
}

export interface WebAccessGeneratorOptions {
  /** Event time of the first event, epoch ms. Default 2024-01-01T00:00:00Z, so the seed alone fixes every event. */
  readonly startTimeMs?: number;
  /** Mean event-time gap between consecutive events. Default 10 ms (100 events per second of event time). */
  readonly meanIntervalMs?: number;
  /** Each timestamp lags its place in the sequence by a uniform 0..maxOutOfOrderMs. Default 0 (in order). */
  readonly maxOutOfOrderMs?: number;
  /** Size of the client pool. Default 1000. */
  readonly clientCount?: number;
}

export const DEFAULT_START_TIME_MS = Date.UTC(2024, 0, 1);
export const DEFAULT_MEAN_INTERVAL_MS = 10;
export const DEFAULT_CLIENT_COUNT = 1000;

const TWO_TO_MINUS_32 = 2 ** -32;
const TWO_TO_MINUS_16 = 2 ** -16;

export class WebAccessGenerator {
  private readonly rng: RandomGenerator;
  private readonly paths: WeightedChoice<PathEntry>;
  private readonly clients: WeightedChoice<Client>;
  private readonly gapsMs: QuantileTable;
  private readonly maxOutOfOrderMs: number;
  private eventTimeMs: number;

  constructor(seed: number, options: WebAccessGeneratorOptions = {}) {
    this.rng = xoroshiro128plus(seed | 0);
    this.eventTimeMs = options.startTimeMs ?? DEFAULT_START_TIME_MS;
    const meanIntervalMs = options.meanIntervalMs ?? DEFAULT_MEAN_INTERVAL_MS;
    this.maxOutOfOrderMs = options.maxOutOfOrderMs ?? 0;
    const clientCount = options.clientCount ?? DEFAULT_CLIENT_COUNT;
    if (!(meanIntervalMs >= 0) || !(this.maxOutOfOrderMs >= 0) || !(clientCount >= 1)) {
      throw new RangeError('meanIntervalMs and maxOutOfOrderMs must be >= 0, clientCount >= 1');
    }
    this.gapsMs = QuantileTable.exponential(meanIntervalMs);
    const paths = pathPool();
    const pathWeights = zipfWeights(paths.length, 1.1);
    this.paths = new WeightedChoice(paths.map((entry, i) => [entry, pathWeights[i]!] as const));
    const clientWeights = zipfWeights(clientCount, 0.9);
    const clients: Array<readonly [Client, number]> = [];
    for (let i = 0; i < clientCount; i++) {
      clients.push([{ ip: this.randomIp(), userAgent: USER_AGENTS.pick(this.uniform()) }, clientWeights[i]!]);
    }
    this.clients = new WeightedChoice(clients);
  }

  /**
   * The next event. Random bits are rationed: five 32-bit draws per event (six with out-of-order
   * lag), split where a choice needs fewer bits, because with fewer PRNG calls V8 inlines the
   * whole method (twice as fast as one draw per choice).
   */
  next(): WebAccessEvent {
    const rng = this.rng;
    const forPath = rng.next() >>> 0;
    const forClient = rng.next() >>> 0;
    const forRequest = rng.next() >>> 0;
    const forResponse = rng.next() >>> 0;
    const forTiming = rng.next() >>> 0;
    const path = this.paths.pick(forPath * TWO_TO_MINUS_32);
    const kind = path.kind;
    const client = this.clients.pick(forClient * TWO_TO_MINUS_32);
    const status = kind.statuses.pick((forRequest >>> 16) * TWO_TO_MINUS_16);
    const lag =
      this.maxOutOfOrderMs > 0
        ? Math.floor((rng.next() >>> 0) * TWO_TO_MINUS_32 * (this.maxOutOfOrderMs + 1))
        : 0;
    const event: WebAccessEvent = {
      timestampMs: Math.floor(this.eventTimeMs) - lag,
      ip: client.ip,
      method: kind.methods.pick((forRequest & 0xffff) * TWO_TO_MINUS_16),
      path: path.path,
      status,
      bytes: responseBytes(kind, status, (forResponse >>> 16) * TWO_TO_MINUS_16),
      latencyMs: latencyMs(kind, status, (forTiming >>> 16) * TWO_TO_MINUS_16),
      userAgent: client.userAgent,
      referrer: REFERRERS.pick((forResponse & 0xffff) * TWO_TO_MINUS_16),
    };
    this.eventTimeMs += this.gapsMs.sample((forTiming & 0xffff) * TWO_TO_MINUS_16);
    return event;
  }

  /** A public-looking IPv4 address (no 0.x, 10.x, 127.x or 224+ first octet). */
  private randomIp(): string {
    let first: number;
    do first = 1 + Math.floor(this.uniform() * 223);
    while (first === 10 || first === 127);
    const rest = this.rng.next() >>> 0;
    return `${first}.${(rest >>> 16) & 255}.${(rest >>> 8) & 255}.${1 + ((rest & 255) % 254)}`;
  }

  /** Uniform in [0, 1) with 32 bits of randomness. */
  private uniform(): number {
    return (this.rng.next() >>> 0) * TWO_TO_MINUS_32;
  }
}

function responseBytes(kind: PathKind, status: number, u: number): number {
  if (status === 304 || status === 204) return 0;
  if (status < 300) return (kind.bytes.sample(u) + 0.5) | 0;
  if (status < 400) return 150 + Math.floor(u * 250);
  return ((status < 500 ? CLIENT_ERROR_BYTES : SERVER_ERROR_BYTES).sample(u) + 0.5) | 0;
}

function latencyMs(kind: PathKind, status: number, u: number): number {
  const ms = kind.latencyMs.sample(u);
  const scaled = status >= 500 ? ms * SERVER_ERROR_SLOWDOWN : status === 304 ? ms / 2 : ms;
  return scaled < 1 ? 1 : (scaled + 0.5) | 0;
}

/** A generator for benchmarks, demos and the datagen source; same `seed` and options, same events. */
export function createWebAccessGenerator(
  seed: number,
  options: WebAccessGeneratorOptions = {},
): WebAccessGenerator {
  return new WebAccessGenerator(seed, options);
}
