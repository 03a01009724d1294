// Finds the external tools the services need: a Java runtime (17 for most, 21+ for OpenSearch 3)
// and Maven (only when jars still have to be fetched). A missing tool is a ToolMissingError, whose
// message says what to install; callers (CLI, test harness, requireService) recognise it by class.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export class ToolMissingError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ToolMissingError';
  }
}

function onPath(cmd) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, cmd);
    if (existsSync(full)) return full;
  }
  return undefined;
}

/** Major version of a `java` binary (17, 21, 25 ...), read from `java -version` (which writes to stderr). */
export function javaMajor(javaBin) {
  const r = spawnSync(javaBin, ['-version'], { encoding: 'utf8', timeout: 60_000 });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr ?? ''}${r.stdout ?? ''}`);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major; // "1.8.0" is Java 8
}

/** The default `java`: $JAVA_HOME/bin/java, else the one on PATH. */
export function defaultJava() {
  if (process.env.JAVA_HOME) {
    const bin = join(process.env.JAVA_HOME, 'bin', 'java');
    if (existsSync(bin)) return bin;
  }
  return onPath('java');
}

/**
 * A `java` binary of at least `minMajor`, with its `javac` beside it (Cluster.java is compiled once).
 * For 21+ it looks, in this order, at $SLUICE_JAVA21_HOME, the default java, and the JDKs installed
 * beside the default one in the system's JVM folder (e.g. temurin-25-jdk-amd64).
 */
export function findJava(minMajor = 17) {
  const candidates = [];
  if (minMajor > 17 && process.env.SLUICE_JAVA21_HOME) {
    candidates.push(join(process.env.SLUICE_JAVA21_HOME, 'bin', 'java'));
  }
  const def = defaultJava();
  if (!def) {
    throw new ToolMissingError(
      'java not found (no $JAVA_HOME/bin/java, no java on PATH): install a JDK 17 (apt-get install openjdk-17-jdk-headless)',
    );
  }
  candidates.push(def);
  const jvmFolder = dirname(dirname(dirname(realpathSync(def))));
  if (minMajor > 17 && existsSync(jvmFolder)) {
    const names = readdirSync(jvmFolder)
      .filter((n) => /^(temurin|openjdk|java|jdk)-?\d+/.test(n))
      .sort((a, b) => (b.startsWith('temurin-25') ? 1 : 0) - (a.startsWith('temurin-25') ? 1 : 0));
    for (const n of names) candidates.push(join(jvmFolder, n, 'bin', 'java'));
  }
  const tried = [];
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const major = javaMajor(bin);
    tried.push(`${bin} (${major ?? 'unknown version'})`);
    if (major !== undefined && major >= minMajor) {
      const javac = join(dirname(bin), 'javac');
      if (!existsSync(javac)) {
        throw new ToolMissingError(`${bin} is a JRE without javac: a full JDK ${minMajor}+ is needed`);
      }
      return { java: bin, javac, major };
    }
  }
  throw new ToolMissingError(
    `no Java ${minMajor}+ found (tried ${tried.join(', ') || 'nothing'}); ` +
      (minMajor > 17
        ? `install a JDK ${minMajor}+ beside the default one (e.g. Temurin 25 in ${jvmFolder}) or set SLUICE_JAVA21_HOME`
        : 'install a JDK 17'),
  );
}

export function findMaven() {
  const mvn = onPath('mvn');
  if (!mvn) {
    throw new ToolMissingError(
      'mvn (Maven) not found on PATH: install Maven 3 (apt-get install maven) to fetch the jars',
    );
  }
  return mvn;
}

/** Why the services cannot run here, or undefined when java and mvn are both present. */
export function missingToolsReason() {
  try {
    findJava(17);
    findMaven();
    return undefined;
  } catch (e) {
    if (e instanceof ToolMissingError) return e.message;
    throw e;
  }
}
