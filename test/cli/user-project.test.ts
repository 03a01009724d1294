/**
 * A new user's own project, from the packed package (what `npm pack` would publish): the tarball is
 * installed once into a scratch project, and its node_modules copied into an ES-module project, a
 * CommonJS project and a folder with no package.json at all; a pipeline with `import ... from
 * 'sluice'` and a top-level `await env.execute()` runs in each and `sluice search` finds what it
 * indexed. Then `sluice init` scaffolds a project whose job and test run as they are.
 *
 * To keep this quick the install skips install scripts and reuses this checkout's compiled
 * better-sqlite3 12 (the same version, built for this Node) instead of compiling it again; on
 * Node >= 22 the engine loads better-sqlite3 13's prebuilt binary, which needs no script.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, ROOT } from './spawned-cli.js';

/**
 * The environment of a user's shell: none of the npm_* variables `npm test` sets for its children,
 * nor the test runner's own (a nested `node --test` would report to this runner instead).
 */
const USER_ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith('npm_') && k !== 'SLUICE_URL' && k !== 'NODE_TEST_CONTEXT',
  ),
);

function sh(cwd: string, command: string, args: readonly string[], timeoutMs = 300_000) {
  const r = spawnSync(command, args, { cwd, env: USER_ENV, encoding: 'utf8', timeout: timeoutMs });
  const out = { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  return {
    ...out,
    text: `${command} ${args.join(' ')} in ${cwd} exited ${r.status}\n${out.stdout}\n${out.stderr}`,
  };
}

const PIPELINE = `import { StreamEnvironment, searchSink } from 'sluice';

interface Thing {
  readonly id: string;
  readonly colour: string;
}
const things: Thing[] = [
  { id: '1', colour: 'red' },
  { id: '2', colour: 'blue' },
  { id: '3', colour: 'red' },
];
const env = StreamEnvironment.create();
env.fromCollection(things).sinkTo(searchSink({ index: 'things', id: 'id' }));
await env.execute('things');
`;

describe('a new user’s own project, installed from the packed package', () => {
  let tmp: string;
  let base: string;
  let tarball: string;

  before(() => {
    assert.ok(existsSync(join(ROOT, 'dist/index.js')), 'dist/ is built (npm test builds it first)');
    tmp = mkdtempSync(join(tmpdir(), 'sluice-user-project-'));
    // --ignore-scripts: pack the dist/ that is already built instead of building again.
    const pack = sh(ROOT, 'npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp]);
    assert.equal(pack.code, 0, pack.text);
    tarball = join(tmp, pack.stdout.trim().split('\n').pop() as string);
    assert.ok(existsSync(tarball), pack.text);

    base = join(tmp, 'base');
    mkdirSync(base);
    writeFileSync(join(base, 'package.json'), '{"name":"base","version":"1.0.0","private":true}\n');
    const install = sh(base, 'npm', [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      tarball,
    ]);
    assert.equal(install.code, 0, install.text);
    const version = (dir: string) =>
      JSON.parse(readFileSync(join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
    if (version(base) === version(ROOT) && existsSync(join(ROOT, 'node_modules/better-sqlite3/build'))) {
      cpSync(
        join(ROOT, 'node_modules/better-sqlite3/build'),
        join(base, 'node_modules/better-sqlite3/build'),
        {
          recursive: true,
        },
      );
    } else {
      const rebuild = sh(base, 'npm', ['rebuild', 'better-sqlite3']);
      assert.equal(rebuild.code, 0, rebuild.text);
    }
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** A fresh project folder holding the installed node_modules. */
  function projectWithSluice(name: string, packageJson: string | undefined): string {
    const dir = join(tmp, name);
    mkdirSync(dir);
    if (packageJson !== undefined) writeFileSync(join(dir, 'package.json'), packageJson);
    cpSync(join(base, 'node_modules'), join(dir, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    return dir;
  }

  function runsAndSearches(dir: string, sluice: readonly string[]): void {
    writeFileSync(join(dir, 'my-pipeline.ts'), PIPELINE);
    const run = sh(dir, sluice[0] as string, [...sluice.slice(1), 'run', '--no-progress', 'my-pipeline.ts']);
    assert.equal(run.code, 0, run.text);
    assert.match(run.stderr, /job "things" finished in .*: 3 records in, 3 out/);
    const search = sh(dir, sluice[0] as string, [...sluice.slice(1), 'search', 'things', 'colour:red']);
    assert.equal(search.code, 0, search.text);
    assert.match(search.stdout, /^2 hits/);
    assert.ok(existsSync(join(dir, '.data/search.db')), 'the embedded engine wrote into the project');
  }

  it('runs a TypeScript pipeline in an ES-module project (npx sluice)', () => {
    const dir = projectWithSluice('esm', '{"name":"esm-project","version":"1.0.0","type":"module"}\n');
    runsAndSearches(dir, ['npx', '--no-install', 'sluice']);
  });

  it('runs a TypeScript pipeline with top-level await in a CommonJS project (npx sluice)', () => {
    const dir = projectWithSluice('cjs', '{"name":"cjs-project","version":"1.0.0","type":"commonjs"}\n');
    runsAndSearches(dir, ['npx', '--no-install', 'sluice']);
  });

  it('runs a pipeline in a folder with no package.json and no sluice of its own', () => {
    const dir = join(tmp, 'bare');
    mkdirSync(dir);
    // The sluice installed elsewhere (as a global install would be) runs it; 'sluice' resolves to it.
    runsAndSearches(dir, [process.execPath, join(base, 'node_modules/sluice/bin/sluice.js')]);
  });

  it('sluice init scaffolds a project whose job runs and whose test passes', () => {
    const init = sh(tmp, process.execPath, [
      join(base, 'node_modules/sluice/bin/sluice.js'),
      'init',
      'shop',
      '--sluice',
      tarball,
    ]);
    assert.equal(init.code, 0, init.text);
    assert.match(init.stdout, /next steps:\n {2}cd shop\n {2}npm install\n/);
    const dir = join(tmp, 'shop');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies.sluice, `file:${tarball}`);
    cpSync(join(base, 'node_modules'), join(dir, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    // The package.json installs as written (from npm's cache; the tree is already in place).
    const install = sh(dir, 'npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts']);
    assert.equal(install.code, 0, install.text);

    const start = sh(dir, 'npm', ['start', '--silent']);
    assert.equal(start.code, 0, start.text);
    assert.match(start.stderr, /job "revenue-per-minute" finished .*: 9 records in, 6 out, 1 dead letters/);
    const search = sh(dir, 'npx', [
      '--no-install',
      'sluice',
      'search',
      'revenue-per-minute',
      'product:coffee',
    ]);
    assert.equal(search.code, 0, search.text);
    assert.match(search.stdout, /^3 hits/);
    const test = sh(dir, 'npm', ['test', '--silent']);
    assert.equal(test.code, 0, test.text);
    assert.match(test.stdout, /(#|ℹ) pass 1\n(#|ℹ) fail 0/);

    const again = sh(tmp, process.execPath, [BIN, 'init', 'shop']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /is not empty .*--force/);
  });
});
