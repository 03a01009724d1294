import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/**
 * Validates a connector's options against its schema, for the TypeScript factories and the
 * registry alike, so a bad option fails the same way wherever it came from: a ConfigError naming
 * the connector and every offending field, before anything runs.
 */
export function parseConnectorConfig<S extends z.ZodType>(
  connector: string,
  schema: S,
  input: unknown,
): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return `${where}${issue.message}`;
  });
  throw new ConfigError(`invalid ${connector} options: ${problems.join('; ')}`);
}
