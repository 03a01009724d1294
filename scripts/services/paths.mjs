// Where the service scripts keep things. Both folders live outside the repository so that every git
// worktree on the machine shares one jar cache and one set of running services:
//   jars:     $SLUICE_CACHE_DIR (default ~/.cache/sluice/jars)/<component>/lib/*.jar
//   services: $SLUICE_SERVICES_DIR (default ~/.cache/sluice/services)/<name>/
// Layout of one service's state folder (written by service.mjs, read by every caller):
//   spec.json    the normalized spec it was started with (engine, ports, settings, ...)
//   pids         one JVM process id per line
//   info.json    connection info: { urls, url, controlUrl?, bootstrap?, startedAtMs }
//   url          the line `start` prints last (a URL, a comma list, or a Kafka bootstrap)
//   console.log  the JVM's stdout and stderr (Kafka: broker-<id>.log per broker)
//   data/        the cluster's base path or Kafka's log dirs; kept across stop/start
//   start.lock   held while one process starts the service (other starters wait)
import { homedir } from 'node:os';
import { join } from 'node:path';

export function jarCacheDir() {
  return process.env.SLUICE_CACHE_DIR || join(homedir(), '.cache', 'sluice', 'jars');
}

export function servicesDir() {
  return process.env.SLUICE_SERVICES_DIR || join(homedir(), '.cache', 'sluice', 'services');
}

export function stateDir(name) {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new Error(`invalid service name "${name}": use letters, digits, '.', '_' and '-'`);
  }
  return join(servicesDir(), name);
}
