import { z } from 'zod';
import { csvOptionsSchema, maxLineBytesSchema, textFormatSchema } from '../text/format-config.js';

/**
 * File connector settings. The connection part says where (a path, a directory or a glob); the
 * stream part says how to read or write it. The source and sink share the connection schema.
 */
export const fileConnectionSchema = z
  .object({
    /** A file, a directory (its files, not recursive) or a glob such as `logs/*.log`; relative to the working directory. */
    path: z.string().min(1),
  })
  .strict();

export const fileSourceStreamSchema = z
  .object({
    format: textFormatSchema.default('lines'),
    /** `once`: read the files to their end, then end (bounded). `follow`: tail them and pick up new ones (unbounded). */
    mode: z.enum(['once', 'follow']).default('once'),
    csv: csvOptionsSchema.prefault({}),
    /** How often `follow` checks the files for growth, truncation, rotation and new matches. */
    pollIntervalMs: z.number().int().positive().default(1_000),
    maxLineBytes: maxLineBytesSchema,
  })
  .strict();

export const fileSourceSchema = fileConnectionSchema.extend(fileSourceStreamSchema.shape);
export type FileSourceConfig = z.infer<typeof fileSourceSchema>;
/** Options of `fileSource(path, options)`: the stream settings, every one optional. */
export type FileSourceOptions = z.input<typeof fileSourceStreamSchema>;

export const fileSinkStreamSchema = z
  .object({
    /** One JSON document per line. */
    format: z.enum(['ndjson']).default('ndjson'),
  })
  .strict();

export const fileSinkSchema = fileConnectionSchema.extend(fileSinkStreamSchema.shape);
export type FileSinkConfig = z.infer<typeof fileSinkSchema>;
export type FileSinkOptions = z.input<typeof fileSinkStreamSchema>;
