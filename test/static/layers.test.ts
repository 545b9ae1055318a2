/**
 * The import rules that keep the layers apart are real rules in eslint.config.js: here we feed
 * the real configuration code that breaks them and check each is caught (so a rule that stopped
 * matching would fail this test), then check the repository itself is clean of them.
 */
import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({
  cwd: process.cwd(),
  // Type information is not needed for import rules, and probe files are not in any tsconfig.
  overrideConfig: [tseslint.configs.disableTypeChecked, { languageOptions: { parserOptions: { project: false, projectService: false } } }],
});

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports').map((message) => message.message);
}

describe('layer boundaries', () => {
  it('main/core may not import electron', async () => {
    expect(await importErrors('main/core/probe.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(1);
  });

  it('main/core may not import anything above it', async () => {
    expect(await importErrors('main/core/disk/probe.ts', "import { dispatch } from '../../ipc';\nexport const x = dispatch;\n")).toHaveLength(1);
    expect(await importErrors('main/core/disk/probe.ts', "import { invokeContract } from '../../../preload/contract';\nexport const x = invokeContract;\n")).toHaveLength(1);
  });

  it('main/core may import Node and its own modules', async () => {
    expect(await importErrors('main/core/disk/probe.ts', "import { open } from 'node:fs/promises';\nimport { refused } from '../errors';\nexport const x = [open, refused];\n")).toEqual([]);
  });

  it('the renderer may not import Node built-ins, electron or main code', async () => {
    for (const specifier of ['node:fs', 'fs', 'child_process', 'path', 'electron', '../main/core/errors']) {
      expect(await importErrors('renderer/probe.ts', `import * as m from '${specifier}';\nexport const x = m;\n`), specifier).toHaveLength(1);
    }
  });

  it('the renderer sees the contract through types only', async () => {
    expect(await importErrors('renderer/probe.ts', "import { invokeContract } from '../preload/contract';\nexport const x = invokeContract;\n")).toHaveLength(1);
    expect(await importErrors('renderer/probe.ts', "import type { AppInfo } from '../preload/contract';\nexport type X = AppInfo;\n")).toEqual([]);
    expect(await importErrors('renderer/probe.ts', "import { createProvisionerApi } from '../preload/api';\nexport const x = createProvisionerApi;\n")).toHaveLength(1);
  });

  it('no file under main/core mentions electron at all', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry.name) && /from ['"]electron['"]|require\(['"]electron['"]\)/.test(readFileSync(full, 'utf8'))) offenders.push(full);
      }
    };
    walk('main/core');
    expect(offenders).toEqual([]);
  });
});
