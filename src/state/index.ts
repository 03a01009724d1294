export * from './heap/heap-keyed-state-backend.js';
export * from './key-groups.js';
export * from './keyed-operator.js';
export * from './keyed-state.js';
export * from './state-backend.js';
export * from './state-descriptors.js';
export * from './state-ttl.js';
export * from './timer-service.js';
