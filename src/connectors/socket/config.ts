import { z } from 'zod';
import { maxLineBytesSchema } from '../text/format-config.js';

/** Where to connect and how to keep the connection: the connection settings. */
export const socketConnectionSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    /** Wait before the first reconnect; doubled after each failed attempt, up to maxReconnectDelayMs. */
    reconnectDelayMs: z.number().int().positive().default(1_000),
    maxReconnectDelayMs: z.number().int().positive().default(30_000),
    /** Give up on one connection attempt after this long (then back off and retry). */
    connectTimeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

/** How the received bytes become records: the per-stream settings. */
export const socketStreamSchema = z
  .object({
    /** `lines` (like Spark's socketTextStream) or `ndjson`. */
    format: z.enum(['lines', 'ndjson']).default('lines'),
    maxLineBytes: maxLineBytesSchema,
  })
  .strict();

export const socketTextSourceSchema = socketConnectionSchema.extend(socketStreamSchema.shape);
export type SocketTextSourceConfig = z.infer<typeof socketTextSourceSchema>;
export type SocketTextSourceOptions = z.input<typeof socketTextSourceSchema>;
