import type { LineHandler } from './line-splitter.js';

/**
 * Turns numbered lines into records. One decoder per input (per file, per stdin, per socket
 * connection), because formats keep state: a CSV header, a quoted field spanning lines. Bad input
 * never throws: it goes to `output.reject` with the line number and a reason, and decoding goes on.
 */
export interface RecordDecoder extends LineHandler {
  /** Called after each chunk of input; decoders that batch work (CSV) do it here. */
  flush(): void;
  /** The input ended: anything still open (an unclosed CSV quote) is rejected, the rest flushed. */
  end(): void;
}

export function overlongReason(byteLength: number): string {
  return `line is ${byteLength} bytes, longer than maxLineBytes`;
}
