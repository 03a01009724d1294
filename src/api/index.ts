export * from './data-stream.js';
export * from './keyed-stream.js';
export * from './stream-environment.js';
export * from './windowed-stream.js';
