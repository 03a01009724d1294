export * from './explain.js';
export * from './job-plan.js';
export * from './topological-order.js';
