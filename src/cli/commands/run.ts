import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { installEnvironmentHooks } from '../../api/environment-hooks.js';
import { StreamEnvironment } from '../../api/stream-environment.js';
import { LocalDirectoryStorage } from '../../checkpoint/local-directory-storage.js';
import { fileSink } from '../../connectors/file/sink.js';
import { IngestHub, installIngestHub } from '../../connectors/http-ingest/index.js';
import type { DeadLetter } from '../../core/dead-letter.js';
import { ConfigError } from '../../core/errors.js';
import { redactText } from '../../core/redact.js';
import type { Sink } from '../../core/sink.js';
import type { CheckpointOptions } from '../../runtime/job-checkpointer.js';
import type { JobClient } from '../../runtime/job-client.js';
import { DEFAULT_INGEST_MAX_BODY_BYTES } from '../../server/ingest-api.js';
import { systemClock } from '../../time/system-clock.js';
import { positiveDuration, positiveInteger } from '../cli-error.js';
import { engineUrl, URL_OPTION_HELP } from '../engine-option.js';
import { loadPipeline } from '../load-pipeline.js';
import { ProgressLine, renderSummary } from '../progress-line.js';
import { DEFAULT_SEARCH_PORT, portOption, startSearchServer } from '../search-server.js';
import { stopOnSignal } from '../stop-on-signal.js';

export interface RunOptions {
  /** Folder for checkpoints (one subfolder per job); a restart resumes from the latest one. */
  readonly checkpoints?: string;
  readonly checkpointInterval?: number;
  readonly deadLetters?: string;
  readonly parallelism?: number;
  readonly progress: boolean;
  /**
   * Serve the search API on this port (true: the default port) while the job runs, and after a
   * job that ran to its end, until SIGINT/SIGTERM.
   */
  readonly serve?: boolean | number;
  readonly url?: string;
  /** Bearer token HTTP ingest requires (default: $SLUICE_INGEST_TOKEN; none: no authentication). */
  readonly ingestToken?: string;
  /** Largest HTTP ingest request body (default 10 MiB). */
  readonly ingestMaxBodyBytes?: number;
}

/** Environment variable with the ingest token (kept out of `ps` output, unlike a flag). */
export const INGEST_TOKEN_ENV = 'SLUICE_INGEST_TOKEN';

/**
 * `sluice run <pipeline>`: runs a pipeline file. The file may run its job itself (`await
 * env.execute()`, as a script) or `export default` a function that receives a StreamEnvironment
 * and builds the job, which the CLI then executes. Either way the CLI shows progress, applies the
 * flags as environment defaults, and stops jobs cleanly on Ctrl-C.
 */
export async function runPipeline(
  pipeline: string,
  options: RunOptions,
  args: readonly string[] = [],
): Promise<JobClient[]> {
  const jobs: JobClient[] = [];
  const progress = new ProgressLine(process.stderr, systemClock);
  const log = (line: string) => {
    progress.erase(); // redrawn at the next tick, below the logged line
    process.stderr.write(`${redactText(line)}\n`);
  };
  const deadLetterSink =
    options.deadLetters === undefined ? undefined : (fileSink(options.deadLetters) as Sink<DeadLetter>);
  const uninstall = installEnvironmentHooks({
    defaults: {
      log,
      ...(deadLetterSink === undefined ? {} : { deadLetterSink }),
      ...(options.parallelism === undefined ? {} : { parallelism: options.parallelism }),
      // --url is the default engine of the pipeline's search sinks too (an explicit url option wins),
      // so the search API serves what the job writes; handed over as a job setting, not process.env.
      ...(options.url === undefined ? {} : { settings: { 'search.url': options.url } }),
      ...(options.checkpoints === undefined
        ? {}
        : {
            checkpoints: checkpointsIn(
              options.checkpoints,
              options.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
            ),
          }),
    },
    onJobStarted: (job) => {
      jobs.push(job);
      if (options.progress) progress.track(job);
    },
  });
  const removeSignalHandlers = stopOnSignal(() => jobs, log);
  const serving = options.serve !== undefined && options.serve !== false;
  // httpIngestSource readers attach to this hub; without --serve there is none and they say so.
  const hub = serving ? new IngestHub() : undefined;
  const uninstallHub = hub === undefined ? () => {} : installIngestHub(hub);
  const token = options.ingestToken ?? process.env[INGEST_TOKEN_ENV];
  let served: Awaited<ReturnType<typeof startSearchServer>> | undefined;
  try {
    served =
      hub === undefined
        ? undefined
        : await startSearchServer(
            engineUrl(options.url),
            options.serve === true ? DEFAULT_SEARCH_PORT : (options.serve as number),
            log,
            {
              hub,
              log,
              maxBodyBytes: options.ingestMaxBodyBytes ?? DEFAULT_INGEST_MAX_BODY_BYTES,
              ...(token === undefined || token === '' ? {} : { token }),
            },
          );
  } catch (e) {
    uninstallHub();
    removeSignalHandlers();
    uninstall();
    throw e;
  }
  if (served !== undefined) {
    log(`search API on ${served.url} (try: curl '${served.url}/_cat/indices?v')`);
    log(
      `HTTP ingest on ${served.url}/ingest/<stream> for httpIngestSource('<stream>')${token ? ' (bearer token required)' : ''}`,
    );
  }
  // The pipeline sees its own arguments as if it had been run directly: process.argv.slice(2).
  process.argv = [process.argv[0] as string, resolve(pipeline), ...args];
  try {
    const module = await loadPipeline(pipeline);
    const build = module.default;
    if (jobs.length === 0 && typeof build === 'function') {
      const env = StreamEnvironment.create();
      await (build as (env: StreamEnvironment) => unknown)(env);
      if (jobs.length === 0) await env.execute(basename(pipeline).replace(/\.(c|m)?(t|j)s$/, ''));
    }
    if (jobs.length === 0) {
      throw new ConfigError(
        `${pipeline} started no job: call env.execute() in it, or export default a function (env) => { ... } that builds the job`,
      );
    }
    const results = [];
    for (const job of jobs) {
      const result = await job.result;
      results.push(result);
      log(renderSummary(result));
    }
    // A bounded job that ran to its end: its results stay queryable until Ctrl-C. A job stopped
    // by Ctrl-C ends the command.
    if (served !== undefined && results.every((r) => r.status === 'finished')) {
      removeSignalHandlers();
      log(`job finished; still serving ${served.url} — Ctrl-C to stop`);
      await untilSignal();
    }
    return jobs;
  } finally {
    progress.clear();
    await served?.stop();
    uninstallHub();
    removeSignalHandlers();
    uninstall();
  }
}

const DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;

/**
 * `--checkpoints DIR`: each job of the pipeline checkpoints into `DIR/<job name>` every interval,
 * keeps the last three, and a later run with the same flag resumes from the latest one.
 */
function checkpointsIn(directory: string, intervalMs: number): CheckpointOptions {
  return {
    storage: (jobName) =>
      new LocalDirectoryStorage({
        directory: join(resolve(directory), jobName.replace(/[^A-Za-z0-9._-]/g, '_')),
        jobName,
        clock: systemClock,
      }),
    intervalMs,
    resume: 'latest',
  };
}

/** Resolves at the next SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a pipeline file written against the sluice API (TypeScript works without a build step)')
    .argument(
      '<pipeline>',
      'a .ts or .js file that builds a job and calls env.execute(), or exports default (env) => { ... }',
    )
    .argument('[args...]', 'arguments for the pipeline (process.argv.slice(2) inside it)')
    .option(
      '--checkpoints <dir>',
      'checkpoint each job into <dir>/<job name> (keeps the last 3) and, when <dir> already holds one, resume from the latest: sources continue after it (Kafka offsets are committed to the group once a checkpoint completes) and state is restored',
    )
    .option(
      '--checkpoint-interval <duration>',
      'with --checkpoints: how often (e.g. 10s, 500ms, 1m; default 10s)',
      positiveDuration('--checkpoint-interval'),
    )
    .option(
      '--dead-letters <file>',
      'append dead letters (bad input) to this NDJSON file; default: log the first ones and count all',
    )
    .option(
      '--parallelism <n>',
      'instances per keyed operator (keys are spread by key group)',
      positiveInteger('--parallelism'),
    )
    .option('--no-progress', 'do not draw the live progress line on the terminal')
    .option(
      '--serve [port]',
      `serve the Elasticsearch-compatible search API while the job runs, and after a bounded job ends until Ctrl-C (default port ${DEFAULT_SEARCH_PORT})`,
      portOption('--serve'),
    )
    .option(
      '--ingest-token <token>',
      `with --serve: HTTP ingest (POST /ingest/<stream>) requires "Authorization: Bearer <token>" (default: $${INGEST_TOKEN_ENV}, which stays out of ps; none: no authentication)`,
    )
    .option(
      '--ingest-max-body-bytes <n>',
      `with --serve: largest HTTP ingest request body, answered 413 beyond (default ${DEFAULT_INGEST_MAX_BODY_BYTES}, 10 MiB)`,
      positiveInteger('--ingest-max-body-bytes'),
    )
    .option(
      '--url <url>',
      `engine the search API serves and the job's search sinks default to: ${URL_OPTION_HELP}`,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ sluice run examples/status-per-minute.ts ../shared/data/apache_logs
  $ sluice run --dead-letters dead.ndjson --parallelism 4 job.js
  $ sluice run --serve 9292 job.ts      # then: curl 'localhost:9292/_cat/indices?v'
  $ sluice run --checkpoints .checkpoints job.ts   # killed? the same command resumes from the last checkpoint
  $ SLUICE_INGEST_TOKEN=s3cret sluice run --serve 9292 ingest.ts
        # with httpIngestSource('events') in ingest.ts:
        # curl -H 'Authorization: Bearer s3cret' -H 'Content-Type: application/x-ndjson' \\
        #      --data-binary @events.ndjson localhost:9292/ingest/events

Ctrl-C stops the job cleanly (records already read are processed, sinks flush); press it twice to exit at once.`,
    )
    .action(async (pipeline: string, args: string[], options: RunOptions) => {
      await runPipeline(pipeline, options, args);
    });
}
