/**
 * How a drive is opened — the one place that knows. Image files are opened directly, as always;
 * a whole drive through this system's drive access (platform.ts: Linux opens it directly when it
 * may, or through UDisks2 and polkit; macOS through authopen; Windows in an elevated session).
 * The rest of core gets a BlockTarget and never asks which way it came.
 */
import { BlockTarget, FatVolume, locateFatVolume, type OpenOptions } from '../disk';
import { driveAccess } from './platform';

export { classifyUDisks2Error, UDisks2Client } from './udisks2';
export { ejectAfterWrite, releaseDrive } from './release';
export { allowTerminalAuthorisation } from './terminal-agent';
export { driveAccess, type ChosenDisk, type DriveAccess, type EjectResult, type WritePlan } from './platform';

/**
 * Opens a drive or an image file. A drive this process may not open itself is opened the
 * system's way (Linux: UDisks2, authorised by polkit), with the errors that go with it
 * (AUTHORIZATION_DENIED, AUTHORIZATION_DISMISSED, DRIVE_ACCESS_UNAVAILABLE), the drive unchanged
 * in every case.
 */
export async function openDrive(targetPath: string, options: OpenOptions): Promise<BlockTarget> {
  const access = driveAccess();
  return access.isDrivePath(targetPath) ? access.open(targetPath, options) : BlockTarget.open(targetPath, options);
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

/** Unmounts the drive's own volumes mounted at `mountPoints` (consented to); resolves with those unmounted. */
export function unmountVolumes(devicePath: string, mountPoints: readonly string[]): Promise<string[]> {
  return driveAccess().unmount(devicePath, mountPoints);
}
