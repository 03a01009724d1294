/** A usage or input problem the CLI reports as one line (exit code 2), without a stack trace. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Parses a positive integer option, or throws a message naming the option. */
export function positiveInteger(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new CliUsageError(`${option} must be a positive integer, got "${value}"`);
    return n;
  };
}
