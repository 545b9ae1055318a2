/**
 * The drive-access layer's one interface, and the one place that chooses its implementation by
 * process.platform: how a whole drive is recognised and opened (directly when this process may,
 * otherwise the system's way of authorising one drive), what the system must let go of before a
 * destructive write, and how the drive is made safe to remove. Linux: UDisks2 + polkit
 * (linux.ts); macOS: diskutil + authopen (macos/adapter.ts); Windows: Administrator, Get-Disk +
 * diskpart (windows/adapter.ts). The rest of core never asks which one it has.
 */
import { execFile } from 'node:child_process';
import type { BlockTarget, OpenOptions } from '../disk';
import type { Drive } from '../drives/types';
import { linuxAccess } from './linux';
import { macAccess, type MacAccessOptions } from './macos/adapter';
import { windowsAccess } from './windows/adapter';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (command: string, args: readonly string[]) => Promise<CommandResult>;

/** execFile with a result for every exit (a failing status is an answer to read, not a throw). */
export const execRunner: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { encoding: 'utf8', windowsHide: true, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, stdout, stderr: stderr || (error !== null && status === null ? error.message : '') });
    });
  });

/** The drive as chosen: what is checked again right before anything destructive. */
export interface ChosenDisk {
  path: string;
  size: number | null;
  model: string | null;
  serial: string | null;
}

/** What a destructive open is for. */
export interface WritePlan {
  /** The chosen drive's own mounted volumes the person agreed to have unmounted. */
  mountPoints: readonly string[];
  /**
   * The work rewrites the partition table anyway (a write that formats, a sanitize, a capacity
   * check that keeps nothing): the system may be asked to drop the drive's volumes whole.
   */
  replacesLayout: boolean;
}

export interface EjectResult {
  attempted: boolean;
  ejected: boolean;
  detail: string;
}

export interface DriveAccess {
  readonly platform: NodeJS.Platform;
  /** Whether `targetPath` names a whole drive this system's way (anything else is an image file). */
  isDrivePath(targetPath: string): boolean;
  /** Opens a whole drive: directly when this process may, otherwise authorised for this drive alone. */
  open(devicePath: string, options: OpenOptions): Promise<BlockTarget>;
  /** Unmounts the drive's own volumes mounted at `mountPoints` (consented to); resolves with those it unmounted. */
  unmount(devicePath: string, mountPoints: readonly string[]): Promise<string[]>;
  /** Before the drive is opened for a destructive write, once it is known to be the one chosen. */
  beforeOpen(disk: ChosenDisk, plan: WritePlan): Promise<void>;
  /** After the identity check through the open descriptor, right before the first byte. */
  beforeFirstWrite(disk: ChosenDisk, plan: WritePlan): Promise<void>;
  /** Makes the drive safe to remove (its data is flushed already); `interactive: false` never prompts. */
  release(drive: Drive, options: { interactive: boolean }): Promise<EjectResult>;
}

export interface AccessOptions extends MacAccessOptions {
  run?: CommandRunner;
}

/** This system's drive access (others: as Linux). */
export function driveAccess(platform: NodeJS.Platform = process.platform, options: AccessOptions = {}): DriveAccess {
  const run = options.run ?? execRunner;
  switch (platform) {
    case 'darwin':
      return macAccess(run, options);
    case 'win32':
      return windowsAccess(run);
    default:
      return linuxAccess;
  }
}
