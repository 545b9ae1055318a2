import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Finding {
  id: string;
  file: string;
  line: number;
  severity: string;
  confidence: string;
  manualReview: boolean;
  description: string;
}

interface Report {
  electronVersion: string;
  errors: unknown[];
  issues: Finding[];
}

function scan(folders: string[] = []): Report {
  const run = spawnSync(process.execPath, ['test/support/electronegativity-scan.cjs', ...folders], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Report;
}

const isSevere = (issue: Finding): boolean => issue.severity === 'HIGH' || issue.severity === 'CRITICAL';

describe('@doyensec/electronegativity over main/, preload/, renderer/', () => {
  it('reports HIGH findings for a deliberately insecure app (the scan can fail)', () => {
    const report = scan(['test/fixtures/insecure-app']);
    expect(report.issues.filter(isSevere).map((issue) => issue.id)).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']));
  });

  it('finds nothing of high or critical severity in our app, and no parse errors', () => {
    const report = scan();
    // Everything it found, for the log: medium/low findings are reviewed by hand.
    console.log(report.issues.map((issue) => `${issue.severity} ${issue.id} ${issue.file}:${issue.line}`).join('\n'));
    expect(report.errors).toEqual([]);
    expect(report.issues.filter(isSevere)).toEqual([]);
  });
});
