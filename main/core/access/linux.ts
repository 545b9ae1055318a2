/**
 * Linux's drive access. A block device this process may open itself (root, or a user allowed to)
 * is opened directly; otherwise UDisks2 opens it after the system's polkit agreed and hands the
 * descriptors over (the drive for writing, exclusively, and a read-only O_DIRECT one for
 * verifying around the kernel's cache, which a user who is not root cannot empty). The chosen
 * drive's own volumes are unmounted with the person's consent (umount as root, UDisks2's
 * Filesystem.Unmount otherwise), and the drive is powered off (Drive.PowerOff) or, a loop device
 * asked to be released, detached (Loop.Delete).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BlockTarget, type OpenOptions } from '../disk';
import type { Drive } from '../drives/types';
import { failed, PanoramaUsbError, refused } from '../errors';
import type { DriveAccess, EjectResult } from './platform';
import { UDisks2Client } from './udisks2';

const execFileAsync = promisify(execFile);

function mayAsk(error: unknown): boolean {
  return error instanceof PanoramaUsbError && error.code === 'PERMISSION_DENIED';
}

async function sysfsNumber(devicePath: string, file: string): Promise<number> {
  const name = path.basename(fs.realpathSync(devicePath));
  return Number((await readFile(`/sys/class/block/${name}/${file}`, 'utf8')).trim());
}

/** Opens the device through UDisks2: its descriptors, its size and read-only state from sysfs (readable by anyone). */
async function openThroughUDisks2(devicePath: string, options: OpenOptions): Promise<BlockTarget> {
  const size = (await sysfsNumber(devicePath, 'size')) * 512;
  if (size === 0) throw refused('NO_MEDIUM', `${devicePath} has no medium: an empty card reader, or a device that was detached.`, 'Insert the card or plug the drive back in, then choose it again.');
  const write = options.access === 'write';
  if (write && (await sysfsNumber(devicePath, 'ro')) === 1) throw refused('TARGET_READ_ONLY', `${devicePath} is read-only.`, 'Slide the write-protect switch off (SD cards) or use another drive.');
  const client = await UDisks2Client.connect();
  try {
    const fd = await client.openDevice(devicePath, { mode: options.access, exclusive: write && options.exclusive === true });
    // Only what is written needs reading back around the cache: a read-only open (an identity, a
    // file listing) asks for one descriptor, and so for one authorisation.
    if (!write) return BlockTarget.fromDescriptors({ path: devicePath, kind: 'device', size, fd, writable: false });
    let directFd: number;
    try {
      directFd = await client.openDevice(devicePath, { mode: 'read', exclusive: false, direct: true });
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
    return BlockTarget.fromDescriptors({ path: devicePath, kind: 'device', size, fd, writable: true, directFd });
  } finally {
    client.close();
  }
}

/** `umount MOUNTPOINT` as root: a volume in use is DRIVE_BUSY naming it. */
async function unmountDirectly(mountPoint: string): Promise<void> {
  try {
    await execFileAsync('umount', [mountPoint], { timeout: 60_000 });
  } catch (error) {
    const detail = error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : String(error);
    if (/busy/i.test(detail)) throw refused('DRIVE_BUSY', `${mountPoint} cannot be unmounted: files on it are in use; nothing was written.`, 'Close the files and windows that use it, then try again.');
    throw failed('UNMOUNT_FAILED', `${mountPoint} could not be unmounted (${detail}); nothing was written.`, 'Unmount it yourself (leave the drive plugged in), then try again.');
  }
}

/**
 * Unmounts the drive's own volumes mounted at `mountPoints` (as its drive list showed them): as
 * root with umount, otherwise through UDisks2 (Filesystem.Unmount, authorised by polkit), which
 * unmounts only filesystems of this drive and its partitions.
 */
async function unmountVolumes(devicePath: string, mountPoints: readonly string[]): Promise<void> {
  if (mountPoints.length === 0) return;
  if (process.geteuid?.() === 0) {
    for (const mountPoint of mountPoints) await unmountDirectly(mountPoint);
    return;
  }
  const client = await UDisks2Client.connect();
  try {
    for (const volume of await client.mountedVolumes(devicePath)) {
      if (volume.mountPoints.some((point) => mountPoints.includes(point))) await client.unmount(volume);
    }
  } finally {
    client.close();
  }
}

async function releaseThroughUDisks2(drive: Drive, interactive: boolean): Promise<EjectResult> {
  const client = await UDisks2Client.connect();
  try {
    const done = await client.release(drive.path, { interactive });
    if (done === 'deleted') return { attempted: true, ejected: true, detail: `loop device ${drive.path} detached` };
    if (done === 'powered-off') return { attempted: true, ejected: true, detail: 'powered off: safe to remove' };
    return { attempted: true, ejected: false, detail: 'flushed; this drive cannot be powered off by the system: wait for its light to stop blinking, then remove it' };
  } finally {
    client.close();
  }
}

/** Root on a system without UDisks2: the tools themselves. */
async function releaseDirectly(drive: Drive): Promise<EjectResult> {
  const [command, args, done] = drive.kind === 'loop' ? ['losetup', ['-d', drive.path], `loop device ${drive.path} detached`] : ['eject', [drive.path], 'ejected: safe to remove'];
  try {
    await execFileAsync(command, args, { timeout: 30_000 });
    return { attempted: true, ejected: true, detail: done };
  } catch (error) {
    const detail = error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : String(error);
    throw failed('EJECT_FAILED', `${drive.path} could not be released (${command}: ${detail}); its data is flushed.`, 'Wait for its light to stop blinking, then remove it.', error);
  }
}

export const linuxAccess: DriveAccess = {
  platform: 'linux',
  isDrivePath: (targetPath) => {
    try {
      return fs.statSync(targetPath).isBlockDevice();
    } catch {
      return false;
    }
  },
  open: async (devicePath, options) => {
    try {
      return await BlockTarget.open(devicePath, options);
    } catch (error) {
      if (!mayAsk(error)) throw error;
      return openThroughUDisks2(devicePath, options);
    }
  },
  unmount: async (devicePath, mountPoints) => {
    await unmountVolumes(devicePath, mountPoints);
    return [...mountPoints];
  },
  // O_EXCL fails while a volume of the drive is mounted: its own volumes go first, with consent.
  beforeOpen: (disk, plan) => unmountVolumes(disk.path, plan.mountPoints),
  beforeFirstWrite: () => Promise.resolve(),
  release: async (drive, options) => {
    try {
      return await releaseThroughUDisks2(drive, options.interactive);
    } catch (error) {
      const unavailable = error instanceof PanoramaUsbError && error.code === 'DRIVE_ACCESS_UNAVAILABLE';
      if (!unavailable || process.geteuid?.() !== 0) throw error;
      return releaseDirectly(drive);
    }
  },
};
