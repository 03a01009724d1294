import { z } from 'zod';
import { csvOptionsSchema, maxLineBytesSchema, textFormatSchema } from '../text/format-config.js';

/** Settings of the stdin source; standard input needs no connection, so these are all per-stream. */
export const stdinSourceSchema = z
  .object({
    format: textFormatSchema.default('lines'),
    csv: csvOptionsSchema.prefault({}),
    maxLineBytes: maxLineBytesSchema,
  })
  .strict();

export type StdinSourceConfig = z.infer<typeof stdinSourceSchema>;
export type StdinSourceSettings = z.input<typeof stdinSourceSchema>;
