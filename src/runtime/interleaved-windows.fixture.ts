import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamEnvironment } from '../api/stream-environment.js';
import { fileSource } from '../connectors/file/source.js';
import type { RecordingSink } from '../testing/recording-sink.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import { Aggregates } from '../window/aggregates.js';
import { TumblingEventTimeWindows } from '../window/assigners.js';

/**
 * The job the snapshot and checkpoint tests cut mid-run: two NDJSON files whose event times
 * interleave (a.ndjson at 0 s, 6 s, ...; b.ndjson at 3 s, 9 s, ...), three paths, counted per path
 * per minute with per-file watermarks. Results read `/p<k>@<minute>=<count>`. Uids are fixed so a
 * snapshot of one run restores into another (`hits`, `as-hit`, `per-minute`, `out`).
 */

interface Hit {
  readonly path: string;
  readonly ts: string;
}

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 10);

export async function interleavedFiles(linesPerFile: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-interleaved-'));
  for (const [name, offsetMs] of [
    ['a', 0],
    ['b', 3_000],
  ] as const) {
    const lines: string[] = [];
    for (let i = 0; i < linesPerFile; i++) {
      const ts = new Date(T0 + offsetMs + i * 6_000).toISOString();
      lines.push(JSON.stringify({ path: `/p${i % 3}`, ts }));
    }
    await writeFile(join(dir, `${name}.ndjson`), `${lines.join('\n')}\n`);
  }
  return dir;
}

export function countPerPathPerMinute(
  env: StreamEnvironment,
  dir: string,
  sink: RecordingSink<string>,
): void {
  env
    .fromSource(fileSource(join(dir, '*.ndjson'), { format: 'ndjson' }), {
      uid: 'hits',
      watermarks: WatermarkStrategy.boundedOutOfOrderness<unknown>(0).withTimestamp((h) =>
        Date.parse((h as Hit).ts),
      ),
    })
    .map((h) => h as Hit, { uid: 'as-hit' })
    .keyBy((h) => h.path)
    .window(TumblingEventTimeWindows.of(MINUTE))
    .aggregate(Aggregates.count<Hit>(), (path, w, n) => `${path}@${(w.start - T0) / MINUTE}=${n}`, {
      uid: 'per-minute',
    })
    .sinkTo(sink, { uid: 'out' });
}
