export { ManualClock } from '../time/manual-clock.js';
export * from './collect-sink.js';
export * from './run-to-completion.js';
export * from './test-source.js';
