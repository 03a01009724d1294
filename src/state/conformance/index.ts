export * from './state-backend-conformance.js';
