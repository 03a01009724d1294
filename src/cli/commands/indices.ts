import type { Command } from 'commander';
import { openSearchEngine } from '../../search/open-search-engine.js';
import { engineUrl, URL_OPTION_HELP } from '../engine-option.js';
import { renderTable } from '../text-table.js';

export function registerIndicesCommand(program: Command): void {
  program
    .command('indices')
    .description('list indices with their document counts')
    .argument('[pattern]', 'index pattern, e.g. weblogs-*')
    .option('--url <url>', URL_OPTION_HELP)
    .option('--json', 'print the _cat/indices JSON')
    .action(async (pattern: string | undefined, options: { url?: string; json?: boolean }) => {
      const shared = await openSearchEngine(engineUrl(options.url));
      try {
        const indices = await shared.engine.listIndices(pattern);
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
        await shared.release();
      }
    });
}
