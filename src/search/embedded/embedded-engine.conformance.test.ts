import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { describeSearchEngineConformance } from '../conformance/search-engine-conformance.js';
import { EmbeddedSearchEngine } from './embedded-engine.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describeSearchEngineConformance('embedded', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-conformance-'));
  dirs.push(dataDir);
  return EmbeddedSearchEngine.open({ dataDir });
});
