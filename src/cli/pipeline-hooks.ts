/**
 * Node module hooks for the user's pipeline file (registered by load-pipeline.ts with
 * `module.register`, after tsx's, so these run first and hand on to tsx and then to Node).
 *
 * - `sluice` and `sluice/...` resolve to the copy of sluice that runs the CLI, wherever the pipeline
 *   lives: a file in a folder without sluice installed finds it, and a project that has its own copy
 *   still builds its job with the CLI's classes (the CLI sees the jobs the file starts only when
 *   both are the same module instances).
 * - The pipeline file itself is loaded as an ES module whatever the nearest package.json says. A
 *   `.ts` file in a CommonJS project (or a folder with no package.json) is CommonJS to tsx; the
 *   top-level `await env.execute()` every example has then makes Node `require()` an ES module in a
 *   cycle (ERR_REQUIRE_CYCLE_MODULE). `.cts` and `.cjs` files keep their CommonJS meaning.
 *
 * This file runs in Node's loader thread: it imports nothing from sluice.
 */

export interface PipelineHooksData {
  /** file: URL of the pipeline file (without query). */
  readonly entryUrl: string;
  /** file: URL of a module inside the running sluice package, to resolve `sluice` from. */
  readonly sluiceParentUrl: string;
}

interface ResolveContext {
  readonly parentURL?: string | undefined;
  readonly conditions?: readonly string[];
  readonly importAttributes?: Record<string, string>;
}

interface ResolveResult {
  readonly url: string;
  readonly format?: string | null | undefined;
  readonly shortCircuit?: boolean;
}

type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;

let data: PipelineHooksData | undefined;

export function initialize(d: PipelineHooksData): void {
  data = d;
}

const withoutQuery = (url: string) => url.replace(/[?#].*$/, '');

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<ResolveResult> {
  if (data === undefined) return nextResolve(specifier, context);
  if (specifier === 'sluice' || specifier.startsWith('sluice/')) {
    // A package may import itself by name through its "exports": resolving from inside the running
    // copy finds that copy.
    return nextResolve(specifier, { ...context, parentURL: data.sluiceParentUrl });
  }
  const resolved = await nextResolve(specifier, context);
  if (withoutQuery(resolved.url) === data.entryUrl && !/\.c[jt]s$/.test(data.entryUrl)) {
    return { ...resolved, format: 'module' };
  }
  return resolved;
}
