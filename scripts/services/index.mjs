// The Node API of the service scripts, used by scripts/test.mjs, .ci/run (through
// test-services-cli.mjs) and test/support/services.ts. Types: index.d.mts.

export { ENGINES } from './cluster.mjs';
export { controlCluster } from './control.mjs';
export { KAFKA_VERSIONS } from './kafka.mjs';
export { jarCacheDir, servicesDir, stateDir } from './paths.mjs';
export {
  DEFAULT_START_TIMEOUT_MS,
  knownServices,
  normalizeSpec,
  readRunningService,
  restartService,
  serviceStatus,
  startService,
  stopService,
} from './service.mjs';
export { STANDARD_SERVICES, serviceEnv, standardService, startCommand } from './standard.mjs';
export { missingToolsReason, ToolMissingError } from './tools.mjs';
