#!/usr/bin/env node
// `prepare` step of an `npm install` / `npm ci` in this checkout: compiles better-sqlite3 12, the
// SQLite driver that Node 20 loads (src/search/embedded/store/sqlite-driver.ts), only when the
// running Node loads it. Node >= 22 loads better-sqlite3 13 (`better-sqlite3-napi`), whose binary
// ships in its package, so compiling 12 there (about 2.5 min, most of an install) is wasted.
//
// package.json's `allowScripts` denies better-sqlite3 12's own install script
// (`prebuild-install || node-gyp rebuild --release`), so an npm that applies allowScripts never
// compiles it; this runs that same script on Node < 22. An npm that does not know allowScripts
// runs the package's script itself, on every Node: then the binary is already there and this does
// nothing. A project that installs sluice as a dependency never runs this (npm runs `prepare` only
// in the project itself) and compiles 12 through its own script, as before.
//
// Like npm with an optional dependency, a failed compile is a warning, not a failed install: the
// driver then says what is missing when the embedded engine is used.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const nodeMajor = Number(process.versions.node.split('.')[0]);
const driver = fileURLToPath(new URL('../node_modules/better-sqlite3/', import.meta.url));

if (nodeMajor < 22 && existsSync(driver) && !existsSync(`${driver}build/Release/better_sqlite3.node`)) {
  process.stderr.write('compiling the SQLite driver for Node 20 (better-sqlite3 12, a few minutes) ...\n');
  // `npm run install` runs the package's own install script with npm's PATH (its node-gyp, the
  // hoisted prebuild-install); run-script is not subject to allowScripts. Its output (the failed
  // prebuilt download offline, node-gyp's log) is shown only when the compile fails, as npm does
  // for a dependency's install script.
  const npm = process.env.npm_execpath;
  const options = { cwd: driver, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 };
  const result =
    npm === undefined
      ? spawnSync('npm', ['run', 'install'], { ...options, shell: process.platform === 'win32' })
      : spawnSync(process.execPath, [npm, 'run', 'install'], options);
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}\n`);
    process.stderr.write(
      'warning: the SQLite driver did not compile (needs python3, make and a C++ compiler); the embedded search engine will not work on this Node until it does (npm install again)\n',
    );
  }
}
