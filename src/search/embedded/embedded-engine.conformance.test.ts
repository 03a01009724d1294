import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { describeSearchEngineConformance } from '../conformance/search-engine-conformance.js';
import { EmbeddedSearchEngine } from './embedded-engine.js';
import type { ReplicaMode } from './replica/replica-client.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

// Both replica modes must give the same answers: the worker thread is the default, inline is the fallback.
for (const replica of ['worker', 'inline'] satisfies ReplicaMode[]) {
  describeSearchEngineConformance(
    `embedded (${replica} replica)`,
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-conformance-'));
      dirs.push(dataDir);
      return EmbeddedSearchEngine.open({ dataDir, replica });
    },
    { dataStreams: false },
  );
}
