import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { parseDurationMs } from '../time/duration.js';

/**
 * Turns string options (CLI flags such as `--source-option port=9999`, later SQL `WITH (...)`
 * entries) into the typed object a connector schema validates, by reading the schema itself:
 * numbers are parsed (fields ending in `Ms` also take durations like `10s`), booleans accept
 * true/false, lists are comma-separated, and dotted keys fill nested settings (`csv.delimiter=;`).
 * Unknown keys fail here with the list of known ones; values are then validated by the schema.
 */
export function optionsFromFlags(
  schema: z.ZodObject,
  flags: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(flags)) {
    const path = key.split('.');
    let shape = schema.shape;
    let target = options;
    for (let i = 0; i < path.length; i++) {
      const name = path[i]!;
      const field = Object.hasOwn(shape, name) ? shape[name] : undefined;
      if (field === undefined) {
        const known = Object.keys(shape).join(', ');
        throw new ConfigError(`unknown option "${path.slice(0, i + 1).join('.')}" (known: ${known})`);
      }
      const inner = unwrap(field);
      if (i < path.length - 1) {
        if (!(inner instanceof z.ZodObject)) throw new ConfigError(`option "${name}" has no nested settings`);
        const nested = target[name];
        target = (target[name] = typeof nested === 'object' && nested !== null ? nested : {}) as Record<
          string,
          unknown
        >;
        shape = inner.shape;
      } else {
        target[name] = convert(inner, name, text);
      }
    }
  }
  return options;
}

/** Looks through optional, default and similar wrappers to the type that holds the value. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const { type } = current._zod.def;
    if (type !== 'optional' && type !== 'default' && type !== 'prefault' && type !== 'nullable')
      return current;
    current = (current as unknown as { unwrap(): z.core.$ZodType }).unwrap();
  }
}

function convert(schema: z.core.$ZodType, name: string, text: string): unknown {
  const { type } = schema._zod.def;
  switch (type) {
    case 'number':
      return name.endsWith('Ms') ? parseNumberOrDuration(name, text) : parseNumber(name, text);
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw new ConfigError(`option "${name}" must be true or false, got "${text}"`);
    case 'array':
      return text === '' ? [] : text.split(',');
    default:
      return text;
  }
}

function parseNumber(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value))
    throw new ConfigError(`option "${name}" must be a number, got "${text}"`);
  return value;
}

function parseNumberOrDuration(name: string, text: string): number {
  try {
    return parseDurationMs(text);
  } catch {
    throw new ConfigError(`option "${name}" must be a duration such as 500ms, 10s or 1m, got "${text}"`);
  }
}
