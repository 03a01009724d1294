import { errorMessage } from '../../core/errors.js';
import type { DecodeOutput } from './decoded-records.js';
import { overlongReason, type RecordDecoder } from './record-decoder.js';

/** `lines`: every line, empty ones included, is a string record. */
export class LinesDecoder implements RecordDecoder {
  constructor(private readonly output: DecodeOutput<string>) {}

  line(text: string, lineNumber: number): void {
    this.output.record(text, lineNumber);
  }

  overlong(lineNumber: number, byteLength: number, preview: string): void {
    this.output.reject(lineNumber, overlongReason(byteLength), preview);
  }

  flush(): void {}
  end(): void {}
}

/** `ndjson`: one JSON value per line; blank lines are skipped, unparseable ones rejected. */
export class NdjsonDecoder implements RecordDecoder {
  constructor(private readonly output: DecodeOutput<unknown>) {}

  line(text: string, lineNumber: number): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      if (text.trim() === '') return;
      this.output.reject(lineNumber, `invalid JSON: ${errorMessage(e)}`, text);
      return;
    }
    this.output.record(value, lineNumber);
  }

  overlong(lineNumber: number, byteLength: number, preview: string): void {
    this.output.reject(lineNumber, overlongReason(byteLength), preview);
  }

  flush(): void {}
  end(): void {}
}
