import type { KafkaFormat } from './config.js';

/**
 * Bytes <-> values for Kafka keys and values.
 * - `json`: UTF-8 JSON (a value that does not parse is an error: the source dead-letters it).
 * - `string`: UTF-8 text.
 * - `bytes`: the Buffer itself.
 * An absent key or value (a Kafka null, e.g. a tombstone) is `null` in every format.
 * Avro and Protobuf with a schema registry are not supported (see docs/kafka.md).
 */

export type Deserializer = (bytes: Buffer | undefined) => unknown;
export type Serializer = (value: unknown) => Buffer | undefined;

export function deserializer(format: KafkaFormat): Deserializer {
  switch (format) {
    case 'json':
      return (bytes) =>
        bytes === undefined || bytes.length === 0 ? null : JSON.parse(bytes.toString('utf8'));
    case 'string':
      return (bytes) => (bytes === undefined ? null : bytes.toString('utf8'));
    case 'bytes':
      return (bytes) => bytes ?? null;
  }
}

export function serializer(format: KafkaFormat): Serializer {
  switch (format) {
    case 'json':
      return (value) => {
        if (value === null || value === undefined) return undefined;
        const text = JSON.stringify(value);
        if (text === undefined) throw new Error(`${typeof value} cannot be written as JSON`);
        return Buffer.from(text, 'utf8');
      };
    case 'string':
      return (value) =>
        value === null || value === undefined ? undefined : Buffer.from(String(value), 'utf8');
    case 'bytes':
      return (value) => {
        if (value === null || value === undefined) return undefined;
        if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        throw new Error('format bytes needs Buffer or Uint8Array values');
      };
  }
}

/** A key from a record field or function, as bytes (strings and numbers as UTF-8 text). */
export function keyBytes(key: unknown): Buffer | undefined {
  if (key === null || key === undefined) return undefined;
  if (key instanceof Uint8Array) return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return Buffer.from(typeof key === 'string' ? key : JSON.stringify(key), 'utf8');
}
