export * from './conformance-helpers.js';
export * from './search-engine-conformance.js';
