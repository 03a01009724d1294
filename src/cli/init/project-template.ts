/**
 * The files `sluice init` writes: a small pipeline project that runs and tests as it is. The job
 * reads orders (one JSON object a line, a sample in data/), sums revenue per product per minute of
 * event time, and indexes the sums into the embedded engine (./.data). Its logic lives apart from
 * its source and sink, so the test feeds it records and collects what comes out (sluice/testing).
 */

export interface ProjectTemplateOptions {
  /** package.json "name". */
  readonly name: string;
  /** The dependency spec of sluice: `file:/abs/sluice-0.1.0.tgz`, `file:/abs/checkout`, `^0.1.0`. */
  readonly sluiceSpec: string;
  /** tsx is already a dependency of sluice; the same range adds nothing to download. */
  readonly tsxRange: string;
}

const ORDERS = [
  ['o-1001', '2026-01-05T10:00:04Z', 'coffee', 350],
  ['o-1002', '2026-01-05T10:00:17Z', 'tea', 280],
  ['o-1003', '2026-01-05T10:00:41Z', 'coffee', 350],
  ['o-1004', '2026-01-05T10:00:58Z', 'cake', 420],
  ['o-1005', '2026-01-05T10:01:09Z', 'coffee', 700],
  ['o-1006', '2026-01-05T10:00:59Z', 'tea', 280],
  ['o-1007', '2026-01-05T10:01:33Z', 'cake', 420],
  ['o-1008', '2026-01-05T10:02:02Z', 'coffee', 350],
] as const;

function ordersNdjson(): string {
  const lines = ORDERS.map(([orderId, time, product, amountCents]) =>
    JSON.stringify({ order_id: orderId, time, product, amount_cents: amountCents }),
  );
  // One bad line: it goes to the dead-letter output, the job goes on.
  lines.splice(5, 0, '{"order_id":"o-bad","time":"yesterday","product":"tea"}');
  return `${lines.join('\n')}\n`;
}

const REVENUE_TS = `// The job's logic: orders in, revenue per product per minute out. No sources or sinks here, so
// the test can feed it records and collect the results (test/revenue.test.ts).
import {
  type AggregateFunction,
  type DataStream,
  minutes,
  reject,
  seconds,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from 'sluice';

export interface Order {
  readonly orderId: string;
  readonly timestampMs: number;
  readonly product: string;
  readonly amountCents: number;
}

export interface Revenue {
  /** product and minute: a re-run overwrites its documents instead of adding new ones */
  readonly id: string;
  readonly minute: string;
  readonly product: string;
  readonly orders: number;
  readonly revenue_cents: number;
}

/** One line of data/orders.ndjson; a bad line is rejected (dead-lettered) with the reason. */
export function parseOrder(line: string): Order {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line);
  } catch {
    return reject('not JSON');
  }
  const timestampMs = Date.parse(String(o.time));
  if (Number.isNaN(timestampMs)) reject(\`bad time: \${o.time}\`);
  if (typeof o.amount_cents !== 'number') reject('amount_cents must be a number');
  return {
    orderId: String(o.order_id),
    timestampMs,
    product: String(o.product),
    amountCents: o.amount_cents,
  };
}

const ordersAndRevenue: AggregateFunction<Order, { orders: number; cents: number }, { orders: number; cents: number }> = {
  createAccumulator: () => ({ orders: 0, cents: 0 }),
  add: (o, acc) => ({ orders: acc.orders + 1, cents: acc.cents + o.amountCents }),
  getResult: (acc) => acc,
  merge: (a, b) => ({ orders: a.orders + b.orders, cents: a.cents + b.cents }),
};

/** Revenue per product per minute of event time (orders may arrive up to 10 s out of order). */
export function revenuePerMinute(orders: DataStream<Order>): DataStream<Revenue> {
  return orders
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.boundedOutOfOrderness<Order>(seconds(10)).withTimestamp((o) => o.timestampMs),
    )
    .keyBy((o) => o.product)
    .window(TumblingEventTimeWindows.of(minutes(1)))
    .aggregate(ordersAndRevenue, (product, window, sum) => {
      const minute = new Date(window.start).toISOString();
      return { id: \`\${minute}|\${product}\`, minute, product, orders: sum.orders, revenue_cents: sum.cents };
    });
}
`;

const JOB_TS = `// The pipeline: run it with  npx sluice run src/job.ts [orders.ndjson]
import { fileURLToPath } from 'node:url';
import { fileSource, StreamEnvironment, searchSink } from 'sluice';
import { parseOrder, revenuePerMinute } from './revenue.js';

const input = process.argv[2] ?? fileURLToPath(new URL('../data/orders.ndjson', import.meta.url));

const env = StreamEnvironment.create();
revenuePerMinute(env.fromSource(fileSource(input, { format: 'lines' })).map(parseOrder))
  // The embedded search engine in ./.data (or $SLUICE_URL, or sluice run --url).
  .sinkTo(searchSink({ index: 'revenue-per-minute', id: 'id' }));
await env.execute('revenue-per-minute');
`;

const TEST_TS = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamEnvironment } from 'sluice';
import { collectSink, runToCompletion } from 'sluice/testing';
import { parseOrder, type Revenue, revenuePerMinute } from '../src/revenue.js';

test('sums orders per product and minute of event time, and dead-letters a bad line', async () => {
  const env = StreamEnvironment.create();
  const out = collectSink<Revenue>();
  const lines = [
    '{"order_id":"1","time":"2026-01-05T10:00:04Z","product":"coffee","amount_cents":350}',
    '{"order_id":"2","time":"2026-01-05T10:00:41Z","product":"coffee","amount_cents":350}',
    '{"order_id":"3","time":"2026-01-05T10:01:09Z","product":"coffee","amount_cents":700}',
    '{"order_id":"4","time":"2026-01-05T10:00:17Z","product":"tea","amount_cents":280}',
    'not json',
  ];
  revenuePerMinute(env.fromCollection(lines).map(parseOrder)).sinkTo(out);

  const result = await runToCompletion(env);

  assert.deepEqual(
    out.values.map((r) => \`\${r.minute} \${r.product} \${r.orders} \${r.revenue_cents}\`).sort(),
    [
      '2026-01-05T10:00:00.000Z coffee 2 700',
      '2026-01-05T10:00:00.000Z tea 1 280',
      '2026-01-05T10:01:00.000Z coffee 1 700',
    ],
  );
  assert.equal(result.metrics.deadLetters, 1);
});
`;

function readme(o: ProjectTemplateOptions): string {
  return `# ${o.name}

A stream-processing job written with sluice: orders
(\`data/orders.ndjson\`, one JSON object a line) become revenue per product per minute of event time,
indexed into sluice's embedded search engine (\`./.data\`).

    npm install
    npm start          # runs the job: sluice run src/job.ts
    npm test           # the job's test (test/revenue.test.ts)

Then look at what it indexed:

    npx sluice indices
    npx sluice search revenue-per-minute 'product:coffee'

or serve it over HTTP (Elasticsearch's API) and keep serving after the job ends, until Ctrl-C:

    npm run serve      # sluice run --serve src/job.ts
    curl 'localhost:9292/revenue-per-minute/_search?pretty'

Other input: \`npx sluice run src/job.ts path/to/orders.ndjson\`. Bad lines go to the dead-letter
output (\`--dead-letters dead.ndjson\` keeps them in a file); the job carries on.

- \`src/revenue.ts\`: the logic (parse, event time, window, sum): no source or sink, so it is testable.
- \`src/job.ts\`: the pipeline: a file source, the logic, a search sink.
- \`test/revenue.test.ts\`: feeds records in and collects results (\`sluice/testing\`).

sluice is a dependency in package.json as \`${o.sluiceSpec}\`.
`;
}

/** Relative path -> contents. */
export function projectFiles(o: ProjectTemplateOptions): Record<string, string> {
  const pkg = {
    name: o.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      start: 'sluice run src/job.ts',
      serve: 'sluice run --serve src/job.ts',
      test: 'node --import tsx --test test/*.test.ts',
    },
    dependencies: { sluice: o.sluiceSpec },
    devDependencies: { tsx: o.tsxRange },
    // npm's install-script approvals: the SQLite driver for Node 20 compiles at install and esbuild
    // (tsx) checks its binary; sluice ships built, so its own prepare never needs to run.
    allowScripts: { 'better-sqlite3': true, esbuild: true, sluice: false },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
    include: ['src', 'test'],
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    '.gitignore': 'node_modules/\n.data/\n',
    'README.md': readme(o),
    'data/orders.ndjson': ordersNdjson(),
    'src/revenue.ts': REVENUE_TS,
    'src/job.ts': JOB_TS,
    'test/revenue.test.ts': TEST_TS,
  };
}
