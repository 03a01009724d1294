import type { JobClient } from '../runtime/job-client.js';
import type { EnvironmentOptions } from './stream-environment.js';

/**
 * How a host (the `sluice` CLI) reaches environments that a pipeline file creates itself: defaults
 * applied to every `StreamEnvironment.create()` (explicit options still win) and a callback for
 * every job started, so the host can show progress and stop jobs on Ctrl-C. Kept on `globalThis`
 * under a registered symbol so that two copies of the library (the CLI's and the one a pipeline
 * file imports) share it.
 */
export interface EnvironmentHooks {
  readonly defaults?: Partial<EnvironmentOptions>;
  onJobStarted?(client: JobClient): void;
}

const KEY = Symbol.for('sluice.environmentHooks');

type WithHooks = { [KEY]?: EnvironmentHooks };

/** Installs hooks for environments created from now on; returns a function that removes them. */
export function installEnvironmentHooks(hooks: EnvironmentHooks): () => void {
  const g = globalThis as WithHooks;
  const previous = g[KEY];
  g[KEY] = hooks;
  return () => {
    g[KEY] = previous;
  };
}

export function currentEnvironmentHooks(): EnvironmentHooks | undefined {
  return (globalThis as WithHooks)[KEY];
}
