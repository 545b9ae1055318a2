/**
 * What each operating system needs done to a drive before a destructive write, chosen by
 * process.platform in this one place: Linux unmounts the chosen drive's own volumes (with the
 * user's consent, through UDisks2 or umount: see openChosenDrive); macOS has `diskutil
 * unmountDisk` take every volume of that disk from Finder; Windows has the volumes taken from
 * the file system with diskpart's `clean`, after checking the session is elevated and the disk
 * is still the one chosen. Commands run through a CommandRunner (execFile, never a shell), so
 * the steps are tested with recorded and composed outputs.
 *
 * Not wired into the write and sanitize paths yet: on macOS and Windows nothing of this has run
 * on a real machine (see the README's platform table).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { classifyDiskutilFailure, macCommands } from './macos/diskutil';
import { checkDiskBeforeClean, classifyDiskpartOutput, diskpartCleanScript, notElevated, parseGetDisk, physicalDriveNumber, windowsCommands } from './windows/disks';

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

export interface PlatformDriveSteps {
  readonly platform: NodeJS.Platform;
  /**
   * Right before a write that replaces the drive's layout (a write that formats, a sanitize),
   * after the identity check: the OS lets go of the drive's volumes. Refuses with the drive
   * unchanged when it cannot.
   */
  releaseVolumes(disk: ChosenDisk): Promise<void>;
}

const linuxSteps: PlatformDriveSteps = {
  platform: 'linux',
  // The chosen drive's own volumes are unmounted in openChosenDrive, with the user's consent.
  releaseVolumes: () => Promise.resolve(),
};

function macSteps(run: CommandRunner): PlatformDriveSteps {
  return {
    platform: 'darwin',
    releaseVolumes: async (disk) => {
      const [command, args] = macCommands.unmountDisk(disk.path);
      const result = await run(command, args);
      if (result.status !== 0) throw classifyDiskutilFailure(disk.path, `${result.stdout}\n${result.stderr}`);
    },
  };
}

function windowsSteps(run: CommandRunner): PlatformDriveSteps {
  return {
    platform: 'win32',
    releaseVolumes: async (disk) => {
      const number = physicalDriveNumber(disk.path);
      const [netCommand, netArgs] = windowsCommands.isElevated();
      if ((await run(netCommand, netArgs)).status !== 0) throw notElevated();
      const [getDisk, getDiskArgs] = windowsCommands.getDisk();
      const listed = await run(getDisk, getDiskArgs);
      checkDiskBeforeClean(parseGetDisk(listed.stdout), { number, size: disk.size, model: disk.model, serial: disk.serial });
      // diskpart reads its commands from a file (/s); the file names the disk and nothing secret.
      const dir = mkdtempSync(path.join(tmpdir(), 'panorama-usb-diskpart-'));
      try {
        const script = path.join(dir, 'clean.txt');
        writeFileSync(script, diskpartCleanScript(number));
        const [diskpart, diskpartArgs] = windowsCommands.diskpart(script);
        const result = await run(diskpart, diskpartArgs);
        const error = classifyDiskpartOutput(number, `${result.stdout}\n${result.stderr}`, result.status);
        if (error !== null) throw error;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** This system's steps (others: as Linux, which needs none here). */
export function platformSteps(platform: NodeJS.Platform = process.platform, run: CommandRunner = execRunner): PlatformDriveSteps {
  switch (platform) {
    case 'darwin':
      return macSteps(run);
    case 'win32':
      return windowsSteps(run);
    default:
      return linuxSteps;
  }
}
