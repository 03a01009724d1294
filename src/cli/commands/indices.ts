import type { Command } from 'commander';
import { engineUrl, URL_OPTION_HELP } from '../engine-option.js';
import { openReadEngine } from '../read-engine.js';
import { renderTable } from '../text-table.js';

export function registerIndicesCommand(program: Command): void {
  program
    .command('indices')
    .description('list indices with their document counts')
    .argument('[pattern]', 'index pattern, e.g. weblogs-*')
    .option('--url <url>', URL_OPTION_HELP)
    .option('--json', 'print the _cat/indices JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ sluice indices
  $ sluice indices 'weblogs-*' --url embedded:/tmp/demo

When a sluice serves the data directory (sluice demo, sluice run --serve), it is asked over HTTP;
otherwise the directory is opened here. No data there: exit code 1, nothing is created.`,
    )
    .action(async (pattern: string | undefined, options: { url?: string; json?: boolean }) => {
      const engine = await openReadEngine(engineUrl(options.url));
      if (engine.remote) process.stderr.write(`(asking ${engine.source})\n`);
      try {
        const indices = await engine.listIndices(pattern);
        if (options.json) process.stdout.write(`${JSON.stringify(indices, null, 2)}\n`);
        else if (indices.length === 0)
          process.stdout.write(`no indices${pattern === undefined ? '' : ` match ${pattern}`}\n`);
        else
          process.stdout.write(
            `${renderTable(
              ['index', 'docs', 'size'],
              indices.map((i) => [i.index, String(i['docs.count']), String(i['store.size'])]),
            )}\n`,
          );
      } finally {
        await engine.close();
      }
    });
}
