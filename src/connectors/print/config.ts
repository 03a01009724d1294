import { z } from 'zod';

/** Settings of the print sink; it has no connection, only these per-stream settings. */
export const printSinkSchema = z
  .object({
    /** Printed before each record as `<prefix>> `, to tell several print sinks apart. */
    prefix: z.string().optional(),
    /** Where lines go when no stream is given. */
    target: z.enum(['stdout', 'stderr']).default('stdout'),
  })
  .strict();

export type PrintSinkConfig = z.infer<typeof printSinkSchema>;
export type PrintSinkSettings = z.input<typeof printSinkSchema>;
