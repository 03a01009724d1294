/**
 * What the flagship example counts per (minute, status): requests, bytes sent and the highest
 * latency. Shared by status-per-minute.ts and bench/kafka-window-search.ts, so the bench measures
 * the example's own aggregate.
 */
import type { AggregateFunction, WebAccessEvent } from 'sluice';

export interface StatusCounts {
  requests: number;
  bytes: number;
  maxLatencyMs: number;
}

export const statusCounts: AggregateFunction<WebAccessEvent, StatusCounts, StatusCounts> = {
  createAccumulator: () => ({ requests: 0, bytes: 0, maxLatencyMs: 0 }),
  add: (e, acc) => {
    acc.requests++;
    acc.bytes += e.bytes;
    acc.maxLatencyMs = Math.max(acc.maxLatencyMs, e.latencyMs);
    return acc;
  },
  getResult: (acc) => acc,
};
