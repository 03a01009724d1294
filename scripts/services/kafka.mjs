// The Kafka driver for service.mjs: Kafka 4.1.1 or 3.9.1 in KRaft mode, each broker a combined
// broker+controller JVM. Port scheme for --port P and N brokers: broker i (1-based) listens on
// P+i-1 (PLAINTEXT) and P+N+i-1 (CONTROLLER); the bootstrap is the comma list of broker ports.
// Files in the state folder: broker-<i>.properties, broker-<i>.log, log4j configs, cluster-id,
// data/broker-<i>/ (formatted once with StorageTool; kept across stop/start).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureJars } from './jars.mjs';
import { tcpAccepts } from './probe.mjs';
import { findJava } from './tools.mjs';

export const KAFKA_VERSIONS = {
  4.1: { version: '4.1.1', component: 'kafka-4.1.1', log4j: 2, defaultPort: 9092, defaultName: 'kafka4' },
  3.9: { version: '3.9.1', component: 'kafka-3.9.1', log4j: 1, defaultPort: 9192, defaultName: 'kafka3' },
};

export function normalizeKafkaSpec(spec) {
  const v = String(spec.version ?? '4.1');
  const kv = KAFKA_VERSIONS[v];
  if (!kv)
    throw new Error(`unknown Kafka version "${v}": use one of ${Object.keys(KAFKA_VERSIONS).join(', ')}`);
  const brokers = Number(spec.brokers ?? 1);
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 5)
    throw new Error(`brokers must be 1..5, got ${spec.brokers}`);
  const port = Number(spec.port ?? kv.defaultPort);
  if (!Number.isInteger(port) || port < 1025 || port > 65000)
    throw new Error(`port must be 1025..65000, got ${spec.port}`);
  return {
    kind: 'kafka',
    name: spec.name ?? (brokers === 1 ? kv.defaultName : `${kv.defaultName}-${brokers}brokers`),
    version: v,
    brokers,
    port,
    heapMb: spec.heapMb ?? 512,
  };
}

export function kafkaPorts(spec) {
  const ports = [];
  for (let i = 0; i < 2 * spec.brokers; i++) ports.push(spec.port + i);
  return ports;
}

export function kafkaInfo(spec) {
  const urls = [];
  for (let i = 0; i < spec.brokers; i++) urls.push(`127.0.0.1:${spec.port + i}`);
  return {
    urls,
    url: urls.join(','),
    bootstrap: urls.join(','),
    version: KAFKA_VERSIONS[spec.version].version,
  };
}

export function kafkaLogs(spec, dir) {
  return Array.from({ length: spec.brokers }, (_, i) => join(dir, `broker-${i + 1}.log`));
}

function brokerProperties(spec, dir, id) {
  const voters = Array.from(
    { length: spec.brokers },
    (_, i) => `${i + 1}@127.0.0.1:${spec.port + spec.brokers + i}`,
  );
  const port = spec.port + id - 1;
  const ctl = spec.port + spec.brokers + id - 1;
  const rf = Math.min(3, spec.brokers);
  const lines = [
    '# written by scripts/services/kafka.mjs on every start',
    'process.roles=broker,controller',
    `node.id=${id}`,
    `controller.quorum.voters=${voters.join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${ctl}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dir, 'data', `broker-${id}`)}`,
    'num.partitions=1',
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${Math.min(2, rf)}`,
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
  ];
  if (spec.version.startsWith('4.')) {
    lines.push(
      `share.coordinator.state.topic.replication.factor=${rf}`,
      `share.coordinator.state.topic.min.isr=${Math.min(2, rf)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const LOG4J1 = {
  broker: [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  ],
  // Tools log WARN to stderr only, so their stdout stays clean.
  tools: [
    'log4j.rootLogger=WARN, stderr',
    'log4j.appender.stderr=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stderr.Target=System.err',
    'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n',
  ],
};

const LOG4J2 = {
  broker: [
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = OUT',
    'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = info',
    'rootLogger.appenderRef.out.ref = OUT',
  ],
  tools: [
    'status = warn',
    'appender.err.type = Console',
    'appender.err.name = ERR',
    'appender.err.target = SYSTEM_ERR',
    'appender.err.layout.type = PatternLayout',
    'appender.err.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = warn',
    'rootLogger.appenderRef.err.ref = ERR',
  ],
};

/** JVM system property that points Kafka's log4j (1 or 2) at `file`. */
function log4jFlag(kv, file) {
  return kv.log4j === 2 ? `-Dlog4j2.configurationFile=${file}` : `-Dlog4j.configuration=file:${file}`;
}

/** A Kafka cluster id: 16 random bytes, base64url without padding, never starting with '-'. */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Fetches jars, writes configs, formats storage where needed; returns the JVM launch list. */
export async function prepareKafka(spec, dir, { log, signal }) {
  const kv = KAFKA_VERSIONS[spec.version];
  const jdk = findJava(17);
  const lib = await ensureJars(kv.component, { log, signal });
  const logCfg = kv.log4j === 2 ? LOG4J2 : LOG4J1;
  const ext = kv.log4j === 2 ? 'log4j2.properties' : 'log4j.properties';
  const brokerLog = join(dir, `broker-${ext}`);
  const toolsLog = join(dir, `tools-${ext}`);
  writeFileSync(brokerLog, `${logCfg.broker.join('\n')}\n`);
  writeFileSync(toolsLog, `${logCfg.tools.join('\n')}\n`);
  const idFile = join(dir, 'cluster-id');
  if (!existsSync(idFile)) writeFileSync(idFile, `${newClusterId()}\n`);
  const clusterId = readFileSync(idFile, 'utf8').trim();
  const launches = [];
  const formats = [];
  for (let id = 1; id <= spec.brokers; id++) {
    const props = join(dir, `broker-${id}.properties`);
    writeFileSync(props, brokerProperties(spec, dir, id));
    const dataDir = join(dir, 'data', `broker-${id}`);
    mkdirSync(dataDir, { recursive: true });
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      log(`${spec.name}: formatting storage of broker ${id} (cluster id ${clusterId})`);
      const fmt = ['-cp', `${lib}/*`, log4jFlag(kv, toolsLog), 'kafka.tools.StorageTool', 'format'];
      formats.push(runTool(jdk.java, [...fmt, '-t', clusterId, '-c', props, '--ignore-formatted'], signal));
    }
    launches.push({
      cmd: jdk.java,
      args: [
        `-Xms${spec.heapMb}m`,
        `-Xmx${spec.heapMb}m`,
        '-cp',
        `${lib}/*`,
        log4jFlag(kv, brokerLog),
        'kafka.Kafka',
        props,
      ],
      logFile: join(dir, `broker-${id}.log`),
    });
  }
  await Promise.all(formats);
  return launches;
}

function runTool(java, args, signal) {
  return new Promise((resolve, reject) => {
    const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else
        reject(
          new Error(
            `kafka StorageTool format failed (exit ${code}):\n${out.split('\n').slice(-20).join('\n')}`,
          ),
        );
    });
  });
}

/** One health probe: every broker logged "Kafka Server started" and accepts TCP connections. */
export async function probeKafka(spec, dir) {
  for (let id = 1; id <= spec.brokers; id++) {
    const logFile = join(dir, `broker-${id}.log`);
    const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (!text.includes('Kafka Server started'))
      return { ok: false, detail: `broker ${id} has not logged "Kafka Server started" yet` };
    if (!(await tcpAccepts(spec.port + id - 1)))
      return { ok: false, detail: `broker ${id} port ${spec.port + id - 1} refuses connections` };
  }
  return { ok: true, detail: `${spec.brokers} broker(s)` };
}
