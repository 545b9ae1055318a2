/**
 * The packaged app, assembled offline: electron-builder --dir runs on a stand-in Electron
 * (test/support/electron-stand-in: it carries Electron's fuse wire), with the production and the
 * test configurations. @electron/fuses reads the fuses back from the packaged executable, and
 * @electron/asar (neither written here) reads app.asar: the main entry, the preload, the renderer
 * and the disk worker (the pass workers are the same script) are where main looks for them, the
 * native modules sit in app.asar.unpacked, and no source, test, benchmark or .map file is shipped.
 * The unpacked app's size is reported in test/artifacts/packaged-layout.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import { electronStandIn } from '../support/electron-stand-in';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage: (archive: string, options?: { isPack: boolean }) => string[]; statFile: (archive: string, file: string) => { unpacked?: boolean } };
const fuses = require('@electron/fuses') as { getCurrentFuseWire: (executable: string) => Promise<Record<string, unknown>> };

const ELECTRON_VERSION = packageJson.devDependencies.electron;
const ENABLE = 0x31;
const DISABLE = 0x30;
/** Wire order (FuseV1Options): what each configuration must leave in the packaged executable. */
const PRODUCTION = { runAsNode: DISABLE, cookieEncryption: ENABLE, nodeOptions: DISABLE, inspectArguments: DISABLE, asarIntegrity: ENABLE, onlyLoadFromAsar: ENABLE };
const WIRE_INDEX = { runAsNode: 0, cookieEncryption: 1, nodeOptions: 2, inspectArguments: 3, asarIntegrity: 4, onlyLoadFromAsar: 5 } as const;
/** Native modules main loads, and the compiled file each must have beside the asar. */
const NATIVE = ['node_modules/drivelist/build/Release/drivelist.node', 'node_modules/usocket/build/Release/uwrap.node'];

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : statSync(full).size;
  }
  return total;
}

/** electron-builder --dir for Linux with `config`, offline: the stand-in Electron, no native rebuild (the layout is what is checked). */
function pack(config: string, electronDist: string, output: string): string {
  const run = spawnSync(process.execPath, [require.resolve('electron-builder/cli.js'), '--dir', '--linux', '--config', config, `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`, '-c.npmRebuild=false'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    timeout: 240_000,
  });
  if (run.status !== 0) throw new Error(`electron-builder failed (${String(run.status)}): ${run.stdout}${run.stderr}`);
  return path.join(output, 'linux-unpacked');
}

describe('the packaged app (electron-builder --dir on a stand-in Electron)', { timeout: 300_000 }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'packaged-layout-'));
  let standIn = '';
  let production = '';
  let testBuild = '';
  beforeAll(() => {
    standIn = electronStandIn(ELECTRON_VERSION);
    production = pack('electron-builder.yml', standIn, path.join(work, 'production'));
    testBuild = pack('electron-builder.test.yml', standIn, path.join(work, 'test'));
  }, 300_000);
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    if (standIn !== '') rmSync(standIn, { recursive: true, force: true });
  });

  const wire = async (appDir: string): Promise<Record<keyof typeof WIRE_INDEX, unknown>> => {
    const executable = path.join(appDir, packageJson.name);
    const read = await fuses.getCurrentFuseWire(executable);
    return Object.fromEntries(Object.entries(WIRE_INDEX).map(([name, index]) => [name, read[String(index)]])) as Record<keyof typeof WIRE_INDEX, unknown>;
  };

  it('the production build hardens every fuse the configuration names; the test build keeps only inspect on', async () => {
    expect(await wire(production)).toEqual(PRODUCTION);
    expect(await wire(testBuild)).toEqual({ ...PRODUCTION, inspectArguments: ENABLE });
  });

  it('app.asar holds the main entry, the preload, the renderer and the disk worker where main looks for them; native modules sit unpacked beside it', () => {
    const archive = path.join(production, 'resources', 'app.asar');
    const files = new Set(asar.listPackage(archive, { isPack: false }).map((file) => file.replace(/^[\\/]/, '').split(path.sep).join('/')));
    // main/index.ts: the window's preload and renderer next to it, diskWorkerScript = path.join(__dirname, 'disk-worker.cjs').
    for (const file of [packageJson.main, 'dist/main/disk-worker.cjs', 'dist/preload/index.cjs', 'dist/renderer/index.html', 'package.json']) expect(files.has(file), file).toBe(true);
    for (const native of NATIVE) {
      expect(files.has(native), native).toBe(true);
      // Listed in the archive, but its bytes live beside it, where Electron's require loads a .node from.
      expect(asar.statFile(archive, native).unpacked, native).toBe(true);
      expect(existsSync(path.join(production, 'resources', 'app.asar.unpacked', native)), native).toBe(true);
    }
    // Nothing of ours but the built app, and nothing that only builds or documents a dependency.
    const ours = [...files].filter((file) => file !== 'node_modules' && !file.startsWith('node_modules/'));
    expect(ours.filter((file) => !/^(dist\/(main|preload|renderer)\/|package\.json$)/.test(file) && !['dist', 'dist/main', 'dist/preload', 'dist/renderer'].includes(file))).toEqual([]);
    expect([...files].filter((file) => /\.(map|ts|cpp|cc|hpp|gyp)$/.test(file))).toEqual([]);
    expect([...files].filter((file) => /^(test|bench|main|renderer|preload|scripts)\//.test(file))).toEqual([]);

    const unpackedBytes = dirBytes(production) - statSync(path.join(production, packageJson.name)).size;
    mkdirSync('test/artifacts', { recursive: true });
    writeFileSync('test/artifacts/packaged-layout.json', `${JSON.stringify({ appAsarBytes: statSync(archive).size, unpackedAppBytes: unpackedBytes, files: files.size }, null, 2)}\n`);
    console.info(`packaged app: app.asar ${(statSync(archive).size / 1e6).toFixed(1)} MB, ${files.size} entries; unpacked app ${(unpackedBytes / 1e6).toFixed(1)} MB (without Electron)`);
  });
});
