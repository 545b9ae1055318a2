import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the Electron binary is, without `require('electron')`: since Electron 45 that require
 * downloads the binary on first use, which these machines cannot do. Returns the binary's path,
 * or the reason there is none.
 */
export function findElectronBinary(): { path: string } | { reason: string } {
  const packageDir = path.resolve('node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const candidate = override !== undefined ? path.join(override, relative ?? 'electron') : relative !== null ? path.join(packageDir, 'dist', relative) : null;
  if (candidate === null) return { reason: 'no Electron binary is installed (node_modules/electron/path.txt is missing: installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or offline)' };
  if (!existsSync(candidate)) return { reason: `the Electron binary ${candidate} does not exist` };
  return { path: candidate };
}
