import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliUsageError } from '../cli-error.js';
import { projectFiles } from '../init/project-template.js';

export interface InitOptions {
  readonly force?: boolean;
  readonly sluice?: string;
}

/** The running sluice package's folder (holds package.json). */
const PACKAGE_DIR = fileURLToPath(new URL('../../../', import.meta.url));

function runningPackage(): { version: string; tsxRange: string } {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  return { version: pkg.version, tsxRange: pkg.dependencies?.tsx ?? '^4' };
}

/**
 * The dependency spec for sluice in the new project. `--sluice` may be a packed tarball or a folder
 * (made absolute, as `file:`, so the project installs from anywhere) or any npm spec (`^0.1.0`).
 * Without it: the folder of the sluice running this command, as `file:`.
 */
export function sluiceSpec(option: string | undefined, cwd: string): string {
  if (option === undefined) return `file:${PACKAGE_DIR.replace(/\/$/, '')}`;
  const path = option.startsWith('file:') ? option.slice('file:'.length) : option;
  const looksLikePath = option.startsWith('file:') || /^\.{0,2}\//.test(option) || /\.t?gz$/.test(option);
  if (!looksLikePath) return option;
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(absolute)) throw new CliUsageError(`--sluice: ${absolute} does not exist`);
  return `file:${absolute}`;
}

/** Package names are lower case, without spaces: derived from the folder name. */
function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|-+$/g, '');
  return name.length > 0 ? name : 'sluice-pipeline';
}

/** Writes the project; returns the files written (relative paths). */
export function initProject(dirArg: string, options: InitOptions, cwd = process.cwd()): string[] {
  const dir = resolve(cwd, dirArg);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new CliUsageError(`${dir} exists and is not a directory`);
    const entries = readdirSync(dir).filter((e) => e !== '.git');
    if (entries.length > 0 && options.force !== true) {
      throw new CliUsageError(
        `${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}): choose a new folder, or add --force to write the project files over it`,
      );
    }
  }
  const { tsxRange } = runningPackage();
  const files = projectFiles({
    name: packageName(dir),
    sluiceSpec: sluiceSpec(options.sluice, cwd),
    tsxRange,
  });
  for (const [path, text] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return Object.keys(files);
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description(
      'create a pipeline project: package.json, tsconfig, an example job with sample data, its test',
    )
    .argument('[dir]', 'folder to create the project in (created when missing; must be empty)', '.')
    .option(
      '--force',
      'write the project files into a folder that is not empty (overwrites files of the same names)',
    )
    .option(
      '--sluice <spec>',
      'how the project depends on sluice: a packed tarball (sluice-0.1.0.tgz), a folder, or an npm version range (default: the sluice running this command, as file:<its folder>)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ sluice init my-pipeline
  $ sluice init my-pipeline --sluice ./sluice-0.1.0.tgz     # depend on a packed tarball (npm pack)
  $ cd my-pipeline && npm install && npm start && npm test`,
    )
    .action((dirArg: string, options: InitOptions) => {
      const written = initProject(dirArg, options);
      const dir = resolve(dirArg);
      const cd = relative(process.cwd(), dir);
      process.stdout.write(
        [
          `created a sluice pipeline project in ${dir}:`,
          ...written.map((f) => `  ${f}`),
          '',
          'next steps:',
          ...(cd === '' ? [] : [`  cd ${cd.includes(' ') ? `'${cd}'` : cd}`]),
          '  npm install',
          '  npm start                                          # runs src/job.ts into ./.data',
          "  npx sluice search revenue-per-minute 'product:coffee'",
          '  npm test',
          '',
        ].join('\n'),
      );
    });
}
