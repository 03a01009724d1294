#!/usr/bin/env node
// `npm start` and `npm test` build first, but only when something changed: compiles src/ into dist/
// (tsc, incremental) when a source file, a tsconfig or package.json is newer than the last
// successful build (dist/.build-stamp), and otherwise returns at once. `--always` (npm run build)
// builds whatever the stamp says.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist/.build-stamp');

function newestMs(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs; // a deleted file changes its folder
  for (const name of readdirSync(path)) {
    if (name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMs(join(path, name)));
  }
  return newest;
}

let builtMs = 0;
try {
  builtMs = statSync(stamp).mtimeMs;
} catch {
  // never built here
}
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((p) => join(root, p));
if (process.argv.includes('--always') || Math.max(...inputs.map(newestMs)) > builtMs) {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
