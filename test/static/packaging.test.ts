/**
 * electron-builder's own schema validator checks both packaging configurations (nobody here
 * wrote it), and the fuses and targets the issue asks for are really set.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json';

interface BuilderConfig {
  appId?: string;
  files?: { filter?: string[] }[];
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[] };
  win?: { target?: string[]; requestedExecutionLevel?: string };
  mac?: { target?: string[] };
}

const require = createRequire(import.meta.url);
// Internal modules of electron-builder (a devDependency): the same code `electron-builder` runs first.
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig: (projectDir: string, configPath: string, fromOptions: null) => Promise<BuilderConfig>;
  validateConfiguration: (config: BuilderConfig, logger: unknown) => Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger') as { DebugLogger: new (enabled: boolean) => unknown };

async function load(file: string): Promise<BuilderConfig> {
  const config = await getConfig(process.cwd(), file, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

const PRODUCTION_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
};

describe('packaging', () => {
  it('electron-builder.yml is valid, targets every platform and flips the fuses', async () => {
    const config = await load('electron-builder.yml');
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    // Raw disk access on Windows needs Administrator: asked for at launch.
    expect(config.win?.requestedExecutionLevel).toBe('requireAdministrator');
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.electronFuses).toMatchObject(PRODUCTION_FUSES);
    expect(config.files?.flatMap((entry) => entry.filter ?? [])).toEqual(expect.arrayContaining(['package.json', 'dist/main/**', 'dist/preload/**', 'dist/renderer/**']));
    expect(packageJson.main.startsWith('dist/main/')).toBe(true);
  });

  it('the test build differs only by keeping nodeCliInspect for Playwright', async () => {
    const config = await load('electron-builder.test.yml');
    expect(config.electronFuses).toMatchObject({ ...PRODUCTION_FUSES, enableNodeCliInspectArguments: true });
  });

  it('a malformed configuration is rejected by the validator (the check can fail)', async () => {
    await expect(validateConfiguration({ appId: 'x', bogusKey: true } as BuilderConfig, new DebugLogger(false))).rejects.toThrow(/bogusKey/);
  });
});
