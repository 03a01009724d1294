import type { JobPlan } from '../plan/job-plan.js';
import type { JobClient } from './job-client.js';
import { type ExecutionOptions, JobRunner } from './job-runner.js';

/** Runs jobs in this process. A later executor may spread key groups over worker threads or processes. */
export interface JobExecutor {
  execute(plan: JobPlan, options: ExecutionOptions): JobClient;
}

export class LocalExecutor implements JobExecutor {
  execute(plan: JobPlan, options: ExecutionOptions): JobClient {
    return new JobRunner(plan, options);
  }
}
