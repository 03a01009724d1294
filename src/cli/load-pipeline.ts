import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { ConfigError } from '../core/errors.js';
import type { PipelineHooksData } from './pipeline-hooks.js';

let registered = false;

/**
 * Imports a pipeline file written against the API: `.ts`, `.mts`, `.js` or `.mjs`. TypeScript
 * needs no build step: tsx compiles it on load (Node 20 has no type stripping of its own).
 * Importing runs the file: a script that calls `env.execute()` runs its job right here.
 * It works in any folder and project kind (ES module, CommonJS, no package.json): the file is
 * loaded as an ES module, and `import ... from 'sluice'` finds the copy running this CLI
 * (pipeline-hooks.ts). Call once per process.
 */
export async function loadPipeline(file: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError(`pipeline file not found: ${path}`);
  if (!/\.(c|m)?(t|j)s$/.test(path))
    throw new ConfigError(`a pipeline file must end in .ts, .mts, .js or .mjs: ${file}`);
  const url = pathToFileURL(path).href;
  if (!registered) {
    register();
    // Registered after tsx, so these hooks run first (the last registered runs first).
    const hooks = new URL(
      `./pipeline-hooks${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
      import.meta.url,
    );
    registerHooks<PipelineHooksData>(hooks, {
      data: { entryUrl: url, sluiceParentUrl: import.meta.url },
    });
    registered = true;
  }
  return (await import(url)) as Record<string, unknown>;
}
