/**
 * How a drive is opened — the one place that knows. Image files, and any drive when this process
 * may open it itself (root, or a user allowed to), are opened directly, as always; a Linux block
 * device this user may not open is asked of UDisks2, which opens it after the system's polkit
 * agreed and hands the descriptors over (the drive for writing, exclusively, and a read-only
 * O_DIRECT one for verifying around the kernel's cache, which a user who is not root cannot
 * empty). The rest of core gets a BlockTarget and never asks which way it came.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BlockTarget, FatVolume, locateFatVolume, type OpenOptions } from '../disk';
import { failed, PanoramaUsbError, refused } from '../errors';
import { UDisks2Client } from './udisks2';

const execFileAsync = promisify(execFile);

export { classifyUDisks2Error, UDisks2Client } from './udisks2';
export { ejectAfterWrite, releaseDrive, type EjectResult } from './release';
export { allowTerminalAuthorisation } from './terminal-agent';

function isDevice(targetPath: string): boolean {
  try {
    return fs.statSync(targetPath).isBlockDevice();
  } catch {
    return false;
  }
}

function mayAsk(error: unknown): boolean {
  return error instanceof PanoramaUsbError && error.code === 'PERMISSION_DENIED' && process.platform === 'linux';
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

/**
 * Opens a drive or an image file. A device this process may not open itself is opened through
 * UDisks2 (Linux): authorised by polkit, with the errors that go with it (AUTHORIZATION_DENIED,
 * AUTHORIZATION_DISMISSED, DRIVE_ACCESS_UNAVAILABLE), the device unchanged in every case.
 */
export async function openDrive(targetPath: string, options: OpenOptions): Promise<BlockTarget> {
  try {
    return await BlockTarget.open(targetPath, options);
  } catch (error) {
    if (!mayAsk(error) || !isDevice(targetPath)) throw error;
    return openThroughUDisks2(targetPath, options);
  }
}

/** Opens the drive read-only and mounts its FAT volume for `work`; closes both, in order. */
export async function withDriveVolume<T>(targetPath: string, options: Pick<OpenOptions, 'knownSize'>, work: (volume: FatVolume, target: BlockTarget) => T | Promise<T>): Promise<T> {
  const target = await openDrive(targetPath, { access: 'read', ...options });
  try {
    const volume = await FatVolume.mount(target, locateFatVolume(target));
    try {
      return await work(volume, target);
    } finally {
      volume.close();
    }
  } finally {
    target.close();
  }
}

/** The first `bytes` of a drive (fewer when it is shorter), read the way openDrive opens it. */
export async function readLeadingBytes(targetPath: string, bytes: number): Promise<Buffer> {
  const target = await openDrive(targetPath, { access: 'read' });
  try {
    const length = Math.min(bytes, target.size);
    const buffer = Buffer.alloc(length);
    target.readSync(buffer, 0, length, 0);
    return buffer;
  } finally {
    target.close();
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
export async function unmountVolumes(devicePath: string, mountPoints: readonly string[]): Promise<void> {
  if (mountPoints.length === 0) return;
  if (process.geteuid?.() === 0 || process.platform !== 'linux') {
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
