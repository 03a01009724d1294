export * from './engine-registry.js';
