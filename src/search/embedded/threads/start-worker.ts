import { Worker } from 'node:worker_threads';

/**
 * Starts the worker-thread module `name` (`search-worker`, `checkpoint-worker`) found at `base`
 * (the caller's `import.meta.url`, resolved next to it). When running from TypeScript sources
 * (tests, tsx), the worker first registers tsx's loader, because loader hooks do not carry over to
 * workers.
 */
export function startWorker(base: string, name: string, workerData: unknown): Worker {
  const fromSource = base.endsWith('.ts');
  const entry = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, base);
  if (!fromSource) return new Worker(entry, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
