export * from './bulk.js';
export * from './index-admin.js';
export * from './search-engine.js';
export * from './search-engine-error.js';
export * from './search-request.js';
