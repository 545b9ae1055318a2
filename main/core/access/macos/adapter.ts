/**
 * macOS's drive access. A whole disk is written through its raw node (/dev/rdiskN: unbuffered,
 * far faster than /dev/diskN) in whole blocks of its own size, as `diskutil info -plist` gives it.
 * Root opens it directly; anyone else through authopen, which asks macOS (the person's password
 * or Touch ID) and hands the open descriptor back — the app never runs as root. Before a
 * destructive write the disk is checked again with diskutil and its volumes unmounted
 * (`diskutil unmountDisk`, that disk only: Finder would write to them meanwhile); afterwards
 * `diskutil eject`. Nothing of this has run on a Mac yet (README: platforms).
 */
import { BlockTarget } from '../../disk';
import { refused } from '../../errors';
import { loadUsocket, receiveDescriptor } from '../fd-receiver';
import type { ChosenDisk, CommandRunner, DriveAccess } from '../platform';
import { classifyAuthopenFailure, classifyDiskutilFailure, macCommands, parseDiskutilInfo, rawDevicePath, type MacDiskInfo } from './diskutil';

export interface MacAccessOptions {
  /** authopen's path (a stand-in in tests). */
  authopen?: string;
  /** Whether this process is root (then the raw node is opened directly). */
  isRoot?: () => boolean;
}

const WHOLE_DISK = /^\/dev\/r?disk\d+$/;

async function diskInfo(run: CommandRunner, devicePath: string): Promise<MacDiskInfo> {
  const [command, args] = macCommands.info(devicePath.replace('/dev/rdisk', '/dev/disk'));
  const result = await run(command, args);
  if (result.status !== 0) throw classifyDiskutilFailure(devicePath, `${result.stdout}\n${result.stderr}`);
  const info = parseDiskutilInfo(result.stdout);
  if (!info.wholeDisk) throw refused('NOT_A_WHOLE_DISK', `${devicePath} is not a whole disk.`, 'Give the whole disk, e.g. /dev/disk4, not one of its partitions: run `panorama-usb drives`.');
  return info;
}

/** The disk about to be written must still be the one chosen, and never an internal one. */
function checkBeforeWrite(info: MacDiskInfo, chosen: ChosenDisk): void {
  if (info.internal || info.virtual) throw refused('SYSTEM_DRIVE', `${chosen.path} is an internal or virtual disk of this Mac: it is never written.`, 'Choose the USB drive instead: run `panorama-usb drives`.');
  const differs = [chosen.size !== null && info.size !== chosen.size ? `size ${info.size} instead of ${chosen.size}` : null, chosen.model !== null && info.model !== null && info.model !== chosen.model ? `model ${info.model} instead of ${chosen.model}` : null].filter(
    (difference): difference is string => difference !== null,
  );
  if (differs.length > 0) throw refused('DRIVE_CHANGED', `${chosen.path} is not the drive chosen any more (${differs.join(', ')}); nothing was written.`, 'Choose the drive again.');
  if (!info.writable) throw refused('TARGET_READ_ONLY', `${chosen.path} is read-only.`, 'Slide the write-protect switch off (SD cards) or use another drive.');
}

export function macAccess(run: CommandRunner, options: MacAccessOptions = {}): DriveAccess {
  const isRoot = options.isRoot ?? ((): boolean => process.geteuid?.() === 0);
  const authopen = async (devicePath: string, write: boolean, info: MacDiskInfo): Promise<BlockTarget> => {
    const usocket = loadUsocket();
    if (usocket === null) throw refused('DRIVE_ACCESS_UNAVAILABLE', 'The part that receives a drive from macOS (the usocket module, built when panorama-usb is installed) is missing.', 'Reinstall with `npm ci` on a Mac with the Xcode command line tools, or run the command with sudo.');
    const [command, args] = macCommands.authopen(devicePath, write);
    const received = await receiveDescriptor(usocket, options.authopen ?? command, args);
    if (received.fd === null) throw classifyAuthopenFailure(devicePath, received.status, received.stderr);
    return BlockTarget.fromDescriptors({ path: rawDevicePath(devicePath), kind: 'device', size: info.size, fd: received.fd, writable: write, alignment: { block: info.blockSize, memory: false } });
  };
  /** Every volume of that disk, and of no other. */
  const unmountDisk = async (devicePath: string): Promise<void> => {
    const [command, args] = macCommands.unmountDisk(devicePath.replace('/dev/rdisk', '/dev/disk'));
    const result = await run(command, args);
    if (result.status !== 0) throw classifyDiskutilFailure(devicePath, `${result.stdout}\n${result.stderr}`);
  };
  return {
    platform: 'darwin',
    isDrivePath: (targetPath) => WHOLE_DISK.test(targetPath),
    open: async (devicePath, openOptions) => {
      const info = await diskInfo(run, devicePath);
      if (info.size === 0) throw refused('NO_MEDIUM', `${devicePath} has no medium: an empty card reader, or a device that was ejected.`, 'Insert the card or plug the drive back in, then choose it again.');
      const write = openOptions.access === 'write';
      if (write && !info.writable) throw refused('TARGET_READ_ONLY', `${devicePath} is read-only.`, 'Slide the write-protect switch off (SD cards) or use another drive.');
      if (isRoot()) return BlockTarget.openRaw(rawDevicePath(devicePath), { access: openOptions.access, size: info.size, blockSize: info.blockSize });
      return authopen(devicePath, write, info);
    },
    unmount: async (devicePath, mountPoints) => {
      if (mountPoints.length === 0) return [];
      await unmountDisk(devicePath);
      return [...mountPoints];
    },
    beforeOpen: async (disk) => {
      checkBeforeWrite(await diskInfo(run, disk.path), disk);
      // Whether or not the list showed a volume mounted: Finder mounts them back as it likes.
      await unmountDisk(disk.path);
    },
    beforeFirstWrite: () => Promise.resolve(),
    release: async (drive) => {
      const [command, args] = macCommands.eject(drive.path.replace('/dev/rdisk', '/dev/disk'));
      const result = await run(command, args);
      if (result.status !== 0) throw classifyDiskutilFailure(drive.path, `${result.stdout}\n${result.stderr}`);
      return { attempted: true, ejected: true, detail: 'ejected: safe to remove' };
    },
  };
}
