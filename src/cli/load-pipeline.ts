import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { ConfigError } from '../core/errors.js';

let registered = false;

/**
 * Imports a pipeline file written against the API: `.ts`, `.mts`, `.js` or `.mjs`. TypeScript
 * needs no build step: tsx compiles it on load (Node 20 has no type stripping of its own).
 * Importing runs the file: a script that calls `env.execute()` runs its job right here.
 */
export async function loadPipeline(file: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError(`pipeline file not found: ${path}`);
  if (!/\.(c|m)?(t|j)s$/.test(path))
    throw new ConfigError(`a pipeline file must end in .ts, .mts, .js or .mjs: ${file}`);
  if (!registered) {
    register();
    registered = true;
  }
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}
