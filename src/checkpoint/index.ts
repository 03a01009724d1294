export * from './checkpoint-storage.js';
export * from './framed-records.js';
export * from './keyed-state-part.js';
export * from './local-directory-storage.js';
