/**
 * Once per `vitest run`: a data folder (audit log, journal) for every CLI the suite runs, so no
 * test ever records into the data folder of whoever runs the suite; removed when the run ends.
 * (Workers may not see a process 'exit' of their own, so each test process cannot clean up its own.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    cliDataDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'panorama-usb-cli-data-'));
  project.provide('cliDataDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
