import { z } from 'zod';
import type { Source } from '../../core/source.js';
import { type SearchRecord, searchSource } from './source.js';

/** Options of the search source as flags and SQL pass them (see source.ts for what each does). */
export const searchSourceSchema = z
  .object({
    /** Engine URL; default: the job's `search.url` setting. */
    url: z.string().min(1).optional(),
    index: z.string().min(1),
    /** A query as JSON (ES query DSL). */
    query: z.string().optional(),
    mode: z.enum(['scan', 'follow']).default('scan'),
    slices: z.number().int().min(1).max(1024).default(1),
    pageSize: z.number().int().min(1).max(10_000).default(1000),
    /** Follow mode: the monotonic field, the re-read window behind its high-water mark, the poll interval. */
    followField: z.string().min(1).default('@timestamp'),
    overlapMs: z.number().int().min(0).default(60_000),
    pollIntervalMs: z.number().int().positive().default(1_000),
  })
  .strict();

export function searchSourceFromConfig(config: z.output<typeof searchSourceSchema>): Source<SearchRecord> {
  return searchSource({
    ...(config.url === undefined ? {} : { url: config.url }),
    index: config.index,
    ...(config.query === undefined ? {} : { query: JSON.parse(config.query) as unknown }),
    mode: config.mode,
    slices: config.slices,
    pageSize: config.pageSize,
    follow: { field: config.followField, overlapMs: config.overlapMs, pollIntervalMs: config.pollIntervalMs },
  });
}
