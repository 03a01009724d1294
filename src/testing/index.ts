// Helpers for testing jobs, shipped in the package (`sluice/testing`). Re-exports only.
export { type CollectedRecord, CollectSink, collectSink } from '../connectors/collect/sink.js';
export { ManualClock } from '../time/manual-clock.js';
export * from './connector-contexts.js';
export * from './recording-sink.js';
export * from './run-to-completion.js';
export * from './test-source.js';
