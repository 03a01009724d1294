import type { JobClient } from '../runtime/job-client.js';

/**
 * Ctrl-C (SIGINT) or SIGTERM once: stop every running job cleanly (sources stop, records already
 * read are processed, sinks flush). A second time: exit at once with code 130. Returns a function
 * that removes the handlers.
 */
export function stopOnSignal(jobs: () => readonly JobClient[], log: (line: string) => void): () => void {
  let signals = 0;
  const handler = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      log(
        `${signal}: stopping: finishing records already read and flushing sinks (press Ctrl-C again to exit at once)`,
      );
      for (const job of jobs()) void job.stop().catch(() => {});
      return;
    }
    log('exiting at once');
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
