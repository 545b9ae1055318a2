/**
 * Where panorama-usb keeps its own records (the audit log, the provisioning journal): the
 * platform's per-user configuration folder, so the CLI and the app find the same records.
 * PANORAMA_USB_DATA_DIR overrides it, for tests and for machines where the home folder is shared.
 */
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

const FOLDER = 'panorama-usb';

export interface DataDirEnvironment {
  env?: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  home?: string;
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value;
}

export function defaultDataDir(environment: DataDirEnvironment = {}): string {
  const env = environment.env ?? process.env;
  const platform = environment.platform ?? process.platform;
  // Paths are built with the target platform's rules, so a Windows answer is right even when computed elsewhere (tests).
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const home = environment.home ?? os.homedir();

  const override = nonEmpty(env['PANORAMA_USB_DATA_DIR']);
  if (override !== null) return paths.resolve(override);

  if (platform === 'win32') return paths.join(nonEmpty(env['APPDATA']) ?? paths.join(home, 'AppData', 'Roaming'), FOLDER);
  if (platform === 'darwin') return paths.join(home, 'Library', 'Application Support', FOLDER);
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = nonEmpty(env['XDG_CONFIG_HOME']);
  return paths.join(xdg !== null && paths.isAbsolute(xdg) ? xdg : paths.join(home, '.config'), FOLDER);
}
