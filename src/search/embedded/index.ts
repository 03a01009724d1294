export * from './embedded-engine.js';
export type { ReplicaMode } from './replica/replica-client.js';
