import { spawnSync } from 'node:child_process';
import process from 'node:process';

export type Shell = 'electron' | 'preview' | 'cli';

export interface AppInfo {
  name: string;
  version: string;
  platform: NodeJS.Platform;
  arch: string;
  /** Training mode: simulator + virtual drives only, no real AWS and no real drives. */
  trainingMode: boolean;
  /** True when the current shell cannot leave Training mode (the browser preview without its flag). */
  trainingModeLocked: boolean;
  /** True when the process can open raw block devices (root / Administrator). */
  elevated: boolean;
  shell: Shell;
  versions: { node: string; electron: string | null; chrome: string | null };
}

export interface AppInfoOptions {
  name: string;
  version: string;
  shell: Shell;
  trainingMode: boolean;
  trainingModeLocked: boolean;
}

/**
 * Whether this process runs with the rights raw-device work needs.
 * POSIX: effective uid 0. Windows: `net session` only succeeds for Administrators,
 * the usual check that needs no native module.
 */
export function isElevated(platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'win32') {
    const result = spawnSync('net', ['session'], { stdio: 'ignore', windowsHide: true, timeout: 5000 });
    return result.status === 0;
  }
  return typeof process.geteuid === 'function' && process.geteuid() === 0;
}

export function getAppInfo(options: AppInfoOptions): AppInfo {
  // electron/chrome exist only inside Electron, whatever the ambient types claim.
  const versions: Readonly<Record<string, string | undefined>> = process.versions;
  return {
    name: options.name,
    version: options.version,
    platform: process.platform,
    arch: process.arch,
    trainingMode: options.trainingMode || options.trainingModeLocked,
    trainingModeLocked: options.trainingModeLocked,
    elevated: isElevated(),
    shell: options.shell,
    versions: { node: process.versions.node, electron: versions.electron ?? null, chrome: versions.chrome ?? null },
  };
}
