import { z } from 'zod';
import { DEFAULT_MAX_LINE_BYTES } from './line-splitter.js';

/**
 * Settings shared by every line-oriented source (file, stdin, socket): how a line becomes a record.
 * Each connector's own config composes these, so the same names mean the same thing everywhere.
 */

/** `lines`: each line is a string record. `ndjson`: each line is one JSON value. `csv`: rows with a header. */
export const textFormatSchema = z.enum(['lines', 'ndjson', 'csv']);
export type TextFormat = z.infer<typeof textFormatSchema>;

export const csvOptionsSchema = z
  .object({
    /** Field separator, one character. */
    delimiter: z.string().length(1).default(','),
    /** Quote character, one character; doubled inside a quoted field to stand for itself. */
    quote: z.string().length(1).default('"'),
    /** The first row names the fields (and is not a record). */
    header: z.boolean().default(true),
    /** Field names to use instead of (or, with `header: true`, in place of) the header row. */
    columns: z.array(z.string()).min(1).optional(),
    /** Strip spaces around fields. */
    trim: z.boolean().default(false),
  })
  .strict()
  .refine((o) => o.header || o.columns !== undefined, {
    message: 'csv needs field names: keep header: true or give columns',
  });
export type CsvOptions = z.infer<typeof csvOptionsSchema>;
export type CsvOptionsInput = z.input<typeof csvOptionsSchema>;

/** Lines longer than this (in bytes, without the line ending) go to the dead-letter output. */
export const maxLineBytesSchema = z.number().int().positive().default(DEFAULT_MAX_LINE_BYTES);

/** One CSV row, keyed by field name. Values stay strings: convert them in a `map`. */
export type CsvRow = Record<string, string>;

/** The record type each format produces. */
export interface FormatRecord {
  lines: string;
  ndjson: unknown;
  csv: CsvRow;
}
