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
  /** How real drives are reached: directly (root / Administrator), through UDisks2 after polkit agrees (Linux), or not at all. */
  driveAccess: DriveAccessMethod;
  /** Whether this platform's drive access has run where it is tested (Linux, in CI) or is written but not yet run there. */
  platformSupport: PlatformSupport;
  shell: Shell;
  /** No progress from a drive for this long and it is said to be not responding (PANORAMA_USB_STALL_SECONDS, 30 by default). */
  stallSeconds: number;
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

export type DriveAccessMethod = 'direct' | 'udisks2' | 'authopen' | 'images-only';

/**
 * Root (or Administrator) opens drives itself; on Linux anyone else asks UDisks2, on macOS
 * authopen (core/access); on Windows a session that is not elevated reaches image files only.
 */
export function driveAccessMethod(platform: NodeJS.Platform = process.platform): DriveAccessMethod {
  if (isElevated(platform)) return 'direct';
  if (platform === 'linux') return 'udisks2';
  return platform === 'darwin' ? 'authopen' : 'images-only';
}

/** The access method in words, for `info` and the app's footer. */
export const DRIVE_ACCESS_WORDS: Readonly<Record<DriveAccessMethod, string>> = {
  direct: 'running as root / Administrator: drives are opened directly',
  udisks2: 'via UDisks2: you will be asked to authorise each drive',
  authopen: 'via authopen: macOS will ask you to authorise each drive',
  'images-only': 'image files only (real drives need an Administrator here)',
};

export type PlatformSupport = 'tested' | 'not-run';

/**
 * Only Linux's drive access runs in CI (real daemons, loop devices). The macOS and Windows
 * adapters are tested against the tools' documented outputs but have not run on those systems:
 * the app says so rather than let a technician assume it (README, "Platforms").
 */
export function platformSupport(platform: NodeJS.Platform = process.platform): PlatformSupport {
  return platform === 'linux' ? 'tested' : 'not-run';
}

const PLATFORM_NAMES: Readonly<Partial<Record<NodeJS.Platform, string>>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

/** The platform's status in words, for `info` (the footer words it the same way). */
export function platformSupportWords(platform: NodeJS.Platform, support: PlatformSupport): string {
  if (support === 'tested') return 'drive access on Linux is tested in CI (real system services and loop devices)';
  const name = PLATFORM_NAMES[platform] ?? platform;
  return `drive access on ${name} is written and tested against its tools' documented outputs, but has not run on ${name} yet: try it on a spare drive first`;
}

const DEFAULT_STALL_SECONDS = 30;

/** How long a drive may make no progress before the CLI and the wizard say it is not responding. */
export function stallSeconds(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const asked = Number(env['PANORAMA_USB_STALL_SECONDS']);
  return Number.isFinite(asked) && asked > 0 ? asked : DEFAULT_STALL_SECONDS;
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
    driveAccess: driveAccessMethod(),
    platformSupport: platformSupport(),
    shell: options.shell,
    stallSeconds: stallSeconds(),
    versions: { node: process.versions.node, electron: versions.electron ?? null, chrome: versions.chrome ?? null },
  };
}
