import { stateBackendConformance } from '../conformance/state-backend-conformance.js';
import { HeapStateBackend } from './heap-keyed-state-backend.js';

stateBackendConformance('heap', () => new HeapStateBackend());
