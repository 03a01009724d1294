export * from './job-checkpointer.js';
export * from './job-client.js';
export * from './job-metrics.js';
export * from './job-runner.js';
export * from './job-snapshot.js';
export * from './local-executor.js';
