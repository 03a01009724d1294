import { z } from 'zod';
import {
  DEFAULT_CLIENT_COUNT,
  DEFAULT_MEAN_INTERVAL_MS,
  DEFAULT_START_TIME_MS,
} from './web-access-generator.js';

/**
 * Settings of the datagen source. It has no connection, so all of them are per-stream settings.
 * Every field is optional: `dataGenSource()` is an endless, unthrottled stream of seed 1.
 */
export const dataGenSourceSchema = z
  .object({
    /** Events per second of processing time; unlimited when absent. */
    ratePerSecond: z.number().positive().optional(),
    /** Stop after this many events (a bounded source); endless when absent. */
    count: z.number().int().nonnegative().optional(),
    /** Same seed, same events. */
    seed: z.number().int().min(0).max(0xffff_ffff).default(1),
    /** Event time of the first event, epoch ms. */
    startTimeMs: z.number().int().default(DEFAULT_START_TIME_MS),
    /**
     * Mean event-time gap between events. Default: `1000 / ratePerSecond` when rate-limited (event
     * time then keeps pace with the clock), else 10 ms.
     */
    meanIntervalMs: z.number().nonnegative().optional(),
    /** Timestamps lag their place in the sequence by up to this much (uniform), for watermark demos. */
    maxOutOfOrderMs: z.number().int().nonnegative().default(0),
    /** Distinct clients (IP address and user agent). */
    clientCount: z.number().int().positive().default(DEFAULT_CLIENT_COUNT),
  })
  .strict();

export type DataGenSourceConfig = z.infer<typeof dataGenSourceSchema>;
export type DataGenSourceOptions = z.input<typeof dataGenSourceSchema>;

/** The mean event-time gap the generator gets: explicit, else paced by the rate, else the generator's default. */
export function meanIntervalMsOf(config: DataGenSourceConfig): number {
  if (config.meanIntervalMs !== undefined) return config.meanIntervalMs;
  if (config.ratePerSecond !== undefined) return 1000 / config.ratePerSecond;
  return DEFAULT_MEAN_INTERVAL_MS;
}
