import type { Command } from 'commander';
import { installEnvironmentHooks } from '../../api/environment-hooks.js';
import { StreamEnvironment } from '../../api/stream-environment.js';
import { DEFAULT_ENGINE_URL, parseEngineUrl } from '../../search/open-search-engine.js';
import { systemClock } from '../../time/system-clock.js';
import { nonNegativeInteger, positiveInteger } from '../cli-error.js';
import { buildWeblogsJob, RAW_INDEX, STATS_INDEX } from '../demo/weblogs-job.js';
import { engineUrl, URL_OPTION_HELP } from '../engine-option.js';
import { ProgressLine, renderSummary } from '../progress-line.js';
import { DEFAULT_SEARCH_PORT, portOption, startSearchServer } from '../search-server.js';
import { stopOnSignal } from '../stop-on-signal.js';

export interface DemoOptions {
  readonly url?: string;
  readonly port: number;
  readonly rate: number;
  readonly replay?: string;
  readonly seed?: number;
  readonly progress: boolean;
}

function howToQuery(api: string, indices: string, url: string): string {
  const urlFlag = url === DEFAULT_ENGINE_URL ? '' : ` --url ${url}`;
  return [
    `search API: ${api}   (indices: ${indices})`,
    'try:',
    `  curl '${api}/_cat/indices?v'`,
    `  curl '${api}/weblogs-*/_search?q=status:500&size=3&pretty'`,
    `  curl '${api}/weblogs-stats/_search?sort=p95_latency_ms:desc&size=3&pretty'`,
    `  curl -H 'content-type: application/json' '${api}/weblogs-*,-weblogs-stats/_search?pretty' -d '{"size":0,"aggs":{"by_status":{"terms":{"field":"status"}}}}'`,
    `  npx sluice search 'weblogs-*' 'status:500 AND method:POST'${urlFlag}`,
    `  npx sluice search weblogs-stats --sort p95_latency_ms:desc --size 5${urlFlag}`,
    '(weblogs-* also matches weblogs-stats; "weblogs-*,-weblogs-stats" means raw events only)',
    'Ctrl-C stops; the indexed data is kept for the next start.',
  ].join('\n');
}

/**
 * `sluice demo` (what `npm start` runs): the whole mission on a fresh machine. Web traffic (generated,
 * or a replayed access log) flows through the engine into the embedded search engine: raw events in
 * weblogs-{yyyy.MM.dd}, per-minute statistics in weblogs-stats; the search API serves them on
 * localhost until Ctrl-C. The data directory survives restarts.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const url = engineUrl(options.url);
  const location = parseEngineUrl(url);
  const progress = new ProgressLine(process.stderr, systemClock);
  const log = (line: string) => {
    progress.erase(); // redrawn at the next tick, below the logged line
    process.stderr.write(`${line}\n`);
  };
  const served = await startSearchServer(url, options.port, log);
  const uninstall = installEnvironmentHooks({ defaults: { log } });
  try {
    const env = StreamEnvironment.create();
    buildWeblogsJob(env, {
      url,
      ...(options.replay === undefined ? {} : { replay: options.replay }),
      ratePerSecond: options.rate,
      seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
      startTimeMs: systemClock.nowMs(),
    });
    const job = env.executeAsync('weblogs-demo');
    const removeSignalHandlers = stopOnSignal(() => [job], log);
    const source =
      options.replay === undefined
        ? `generated web traffic (${options.rate} events/s)`
        : `a replay of ${options.replay}`;
    process.stdout.write(
      `sluice demo: ${source} -> ${RAW_INDEX} (raw events) and ${STATS_INDEX} (per-minute stats per path)\n`,
    );
    process.stdout.write(
      `data: ${location.target}\n${howToQuery(served.url, `${RAW_INDEX}, ${STATS_INDEX}`, url)}\n`,
    );
    if (options.progress) progress.track(job);
    try {
      const result = await job.result;
      log(renderSummary(result));
      if (result.status === 'finished') {
        removeSignalHandlers(); // nothing left to stop: Ctrl-C now only ends the serving
        log(`replay finished; still serving search on ${served.url} until Ctrl-C`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
      }
    } finally {
      removeSignalHandlers();
    }
  } finally {
    progress.clear();
    uninstall();
    await served.stop();
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'run the demo: web traffic -> stream processing -> embedded search, served on localhost (what `npm start` runs)',
    )
    .option('--url <url>', URL_OPTION_HELP)
    .option(
      '--port <port>',
      `port of the search API (0 picks a free one)`,
      portOption('--port'),
      DEFAULT_SEARCH_PORT,
    )
    .option(
      '--rate <events/s>',
      'generated events per second (the embedded engine keeps about 1.4 KB per document in memory)',
      positiveInteger('--rate'),
      50,
    )
    .option(
      '--replay <access.log>',
      'replay a real access log (combined format) instead of generating traffic',
    )
    .option('--seed <n>', 'seed of the generated traffic (default: random)', nonNegativeInteger('--seed'))
    .option('--no-progress', 'do not draw the live progress line on the terminal')
    .addHelpText(
      'after',
      `
Examples:
  $ npm start                                      # same as: sluice demo
  $ sluice demo --rate 1000 --port 9300
  $ sluice demo --replay ../shared/data/apache_logs
  $ SLUICE_URL=embedded:/tmp/demo sluice demo     # another data directory`,
    )
    .action(async (options: DemoOptions) => {
      await runDemo(options);
    });
}
