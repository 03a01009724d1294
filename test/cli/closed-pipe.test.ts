import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedSearchEngine } from '../../src/search/embedded/embedded-engine.js';
import { BIN, ROOT } from './spawned-cli.js';

/**
 * `sluice ... | head -1` as a shell runs it; with pipefail the status is sluice's own. head exits
 * after one line, so every later write of sluice's meets a closed pipe (EPIPE).
 */
function firstLineOf(args: readonly string[]) {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${quoted} | head -1`], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a command whose output is closed early', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-closed-pipe-'));
    const engine = await EmbeddedSearchEngine.open({ dataDir: dir });
    // About 600 KB of --json output: far more than a pipe holds, so writes go on after head exits.
    await engine.bulk(
      Array.from({ length: 3000 }, (_, i) => ({
        index: { _index: 'many', _id: String(i) },
        document: { n: i, text: `document number ${i} with some words to make the output longer` },
      })),
    );
    await engine.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const command of [[], ['search'], ['indices'], ['run'], ['demo'], ['init']]) {
    it(`exits 0 without an error when --help of "sluice ${command.join(' ')}" is cut to one line`, () => {
      const r = firstLineOf([...command, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: sluice/);
      assert.doesNotMatch(r.stderr, /EPIPE|Error/);
    });
  }

  it('exits 0 without an error when a large search output is cut to one line', () => {
    const r = firstLineOf(['search', 'many', '--size', '3000', '--json', '--url', `embedded:${dir}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{\n');
    assert.equal(r.stderr, '');
    const table = firstLineOf(['search', 'many', '--size', '3000', '--url', `embedded:${dir}`]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^3,000 hits, showing 3000/);
  });
});
