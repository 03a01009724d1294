import type { JobClient } from './job-client.js';
import type { JobGraph } from './job-graph.js';
import { type ExecutionOptions, JobRunner } from './job-runner.js';

/** Runs jobs in this process. A later executor may spread key groups over worker threads or processes. */
export interface JobExecutor {
  execute(graph: JobGraph, options: ExecutionOptions): JobClient;
}

export class LocalExecutor implements JobExecutor {
  execute(graph: JobGraph, options: ExecutionOptions): JobClient {
    return new JobRunner(graph, options);
  }
}
