import type { StreamEnvironment } from '../api/stream-environment.js';
import type { JobResult } from '../runtime/job-client.js';

/**
 * Runs a job with bounded sources to its end and returns the result; fails (instead of hanging a
 * test run) if it has not finished after `timeoutMs` of wall-clock time.
 */
export async function runToCompletion(
  env: StreamEnvironment,
  options: { jobName?: string; timeoutMs?: number } = {},
): Promise<JobResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client = env.executeAsync(options.jobName ?? 'test job');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void client.cancel();
      reject(new Error(`job "${client.jobName}" did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([client.result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
