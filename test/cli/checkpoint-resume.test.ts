/**
 * `sluice run --checkpoints DIR`: a job killed with SIGKILL mid-run and started again with the same
 * command resumes from its latest checkpoint, so the windowed counts in the index come out as an
 * uninterrupted run's: none lost, none counted twice (a window fired after the checkpoint fires
 * again with the same count and overwrites its own document).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSearchEngine } from '../../src/search/open-search-engine.js';
import { ROOT, SpawnedCli } from './spawned-cli.js';

const FIXTURE = join(ROOT, 'test/cli/fixtures/windows-to-search.ts');
const EVENTS = 6_000;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(dataDir: string, checkpoints: string, tag: string): SpawnedCli {
  const env = { ...process.env, SLUICE_URL: `embedded:${join(dataDir, tag)}` };
  return new SpawnedCli(
    ['run', '--checkpoints', checkpoints, '--checkpoint-interval', '300ms', '--no-progress', FIXTURE],
    { env },
  );
}

/** Counts per (window, status) in the index, and their sum. */
async function counts(url: string): Promise<{ docs: Map<string, number>; total: number }> {
  const shared = await openSearchEngine(url);
  try {
    await shared.engine.refresh('counts');
    const res = await shared.engine.search('counts', { size: 10_000, query: { match_all: {} } });
    const docs = new Map<string, number>();
    for (const hit of res.hits.hits) {
      const d = hit._source as { id: string; count: number };
      docs.set(d.id, d.count);
    }
    let total = 0;
    for (const n of docs.values()) total += n;
    return { docs, total };
  } finally {
    await shared.release();
  }
}

describe('sluice run --checkpoints', () => {
  it('a run killed with SIGKILL resumes from its latest checkpoint: the windowed counts equal an uninterrupted run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-resume-'));
    dirs.push(root);
    const reference = run(root, join(root, 'checkpoints-reference'), 'reference');
    assert.equal(await reference.exited, 0, reference.stderr);
    const expected = await counts(`embedded:${join(root, 'reference')}`);
    assert.equal(expected.total, EVENTS);

    // Each job checkpoints into <dir>/<job name>; kill the first run once two checkpoints exist.
    const checkpoints = join(root, 'checkpoints');
    const jobDir = join(checkpoints, 'windows-to-search');
    const first = run(root, checkpoints, 'resumed');
    const deadline = Date.now() + 60_000;
    const completed = () =>
      existsSync(jobDir) ? readdirSync(jobDir).filter((f) => f.startsWith('chk-')).length : 0;
    while (completed() < 2 && Date.now() < deadline && first.stderr.indexOf('finished in') < 0)
      await new Promise((r) => setTimeout(r, 20));
    assert.ok(completed() >= 2, `two checkpoints before the kill; stderr:\n${first.stderr}`);
    await first.stop('SIGKILL');
    assert.doesNotMatch(first.stderr, /finished in/, 'the first run was killed mid-run');

    const second = run(root, checkpoints, 'resumed');
    assert.equal(await second.exited, 0, second.stderr);
    assert.match(second.stderr, /resuming from checkpoint \d+/);
    // The second run read only the events after the cut; the counts still come out whole, so the
    // windows open at the cut came back with their partial counts.
    const readAgain = Number(
      /finished in [^:]+: ([\d,]+) records in/.exec(second.stderr)?.[1]?.replace(/,/g, ''),
    );
    assert.ok(readAgain > 0 && readAgain < EVENTS, `the resumed run read ${readAgain} of ${EVENTS} events`);
    const got = await counts(`embedded:${join(root, 'resumed')}`);
    assert.equal(got.total, EVENTS, 'every event counted once');
    assert.deepEqual([...got.docs].sort(), [...expected.docs].sort());
  });
});
