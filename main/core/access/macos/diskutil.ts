/**
 * macOS's side of drive access, as data and command lines: what `diskutil info -plist` and
 * `diskutil list -plist` say about a disk (parsed with the maintained `plist` package, never by
 * hand), the raw device a write goes to (/dev/rdiskN: unbuffered, far faster than /dev/diskN),
 * and the commands that unmount, authorise and eject — with the failures each can give mapped to
 * our error codes. Nothing here runs a command (adapter.ts does), so these are tested against
 * recorded and composed outputs (test/fixtures/macos).
 */
import plist from 'plist';
import { refused, type PanoramaUsbError } from '../../errors';

/** What a whole disk is, from `diskutil info -plist /dev/diskN`. */
export interface MacDiskInfo {
  /** "disk4". */
  identifier: string;
  /** "/dev/disk4". */
  node: string;
  wholeDisk: boolean;
  size: number;
  /** Sector size: raw I/O on /dev/rdiskN must be aligned to it. */
  blockSize: number;
  model: string | null;
  /** "USB", "Secure Digital", "Apple Fabric"… */
  bus: string | null;
  internal: boolean;
  removable: boolean;
  ejectable: boolean;
  writable: boolean;
  virtual: boolean;
}

/** A whole disk from `diskutil list -plist`, and where its volumes are mounted. */
export interface MacDiskListing {
  identifier: string;
  size: number;
  mountPoints: string[];
}

type PlistRecord = Record<string, unknown>;

function parseRecord(xml: string, command: string): PlistRecord {
  let value: unknown;
  try {
    value = plist.parse(xml);
  } catch (error) {
    throw refused('UNEXPECTED_OUTPUT', `${command} gave output that is not a property list (${error instanceof Error ? error.message : String(error)}).`, 'Run the command in Terminal to see what it says; report it if it persists.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refused('UNEXPECTED_OUTPUT', `${command} gave a property list that is not a dictionary.`, 'Report the problem with the output of the command.');
  return value as PlistRecord;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const flag = (value: unknown): boolean => value === true;
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function parseDiskutilInfo(xml: string): MacDiskInfo {
  const info = parseRecord(xml, 'diskutil info -plist');
  const identifier = text(info['DeviceIdentifier']);
  if (identifier === null) throw refused('UNEXPECTED_OUTPUT', 'diskutil info -plist named no DeviceIdentifier.', 'Report the problem with the output of the command.');
  return {
    identifier,
    node: text(info['DeviceNode']) ?? `/dev/${identifier}`,
    wholeDisk: flag(info['WholeDisk']),
    // TotalSize on recent systems, Size on all: the same bytes.
    size: count(info['TotalSize']) || count(info['Size']),
    blockSize: count(info['DeviceBlockSize']) || 512,
    model: text(info['MediaName']) ?? text(info['IORegistryEntryName']),
    bus: text(info['BusProtocol']),
    internal: flag(info['Internal']),
    removable: flag(info['Removable']) || flag(info['RemovableMedia']) || flag(info['RemovableMediaOrExternalDevice']),
    ejectable: flag(info['Ejectable']),
    writable: info['WritableMedia'] !== false,
    virtual: text(info['VirtualOrPhysical']) === 'Virtual',
  };
}

export function parseDiskutilList(xml: string): MacDiskListing[] {
  const listing = parseRecord(xml, 'diskutil list -plist');
  const disks = Array.isArray(listing['AllDisksAndPartitions']) ? (listing['AllDisksAndPartitions'] as unknown[]) : [];
  return disks.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const disk = entry as PlistRecord;
    const identifier = text(disk['DeviceIdentifier']);
    if (identifier === null) return [];
    const partitions = [...(Array.isArray(disk['Partitions']) ? (disk['Partitions'] as unknown[]) : []), ...(Array.isArray(disk['APFSVolumes']) ? (disk['APFSVolumes'] as unknown[]) : [])];
    const mountPoints = [disk, ...partitions.filter((part): part is PlistRecord => typeof part === 'object' && part !== null)].map((part) => text(part['MountPoint'])).filter((point): point is string => point !== null);
    return [{ identifier, size: count(disk['Size']), mountPoints }];
  });
}

/** /dev/disk4 → /dev/rdisk4 (the raw node); a partition (disk4s1) or anything else is refused. */
export function rawDevicePath(devicePath: string): string {
  const match = /^\/dev\/r?(disk\d+)$/.exec(devicePath);
  if (match?.[1] === undefined) throw refused('NOT_A_WHOLE_DISK', `${devicePath} is not a whole disk (/dev/diskN).`, 'Give the whole disk, e.g. /dev/disk4, not one of its partitions (/dev/disk4s1): run `panorama-usb drives`.');
  return `/dev/r${match[1]}`;
}

/** The commands, as argument lists for execFile (never a shell). */
export const macCommands = {
  info: (devicePath: string): [string, string[]] => ['diskutil', ['info', '-plist', devicePath]],
  list: (): [string, string[]] => ['diskutil', ['list', '-plist', 'external', 'physical']],
  /** Only that disk's volumes: after the identity check, right before the first write. */
  unmountDisk: (devicePath: string): [string, string[]] => ['diskutil', ['unmountDisk', devicePath]],
  eject: (devicePath: string): [string, string[]] => ['diskutil', ['eject', devicePath]],
  /**
   * authopen asks the user (Authorization Services: their password, or Touch ID) and, allowed,
   * passes the open descriptor back over its stdout (-stdoutpipe, as SCM_RIGHTS): the app itself
   * never runs as root. -o 2 is O_RDWR, -o 0 O_RDONLY.
   */
  authopen: (devicePath: string, write = true): [string, string[]] => ['/usr/libexec/authopen', ['-stdoutpipe', '-o', write ? '2' : '0', rawDevicePath(devicePath)]],
};

/** What a failed `diskutil unmountDisk` / `eject` means (its exit status was not 0). */
export function classifyDiskutilFailure(devicePath: string, output: string): PanoramaUsbError {
  const said = output.trim().replace(/\s+/g, ' ');
  const dissenter = /dissented by PID (\d+)(?: \(([^)]+)\))?/i.exec(said);
  if (dissenter !== null || /could not be unmounted|resource busy|in use/i.test(said)) {
    const who = dissenter === null ? '' : ` (held by ${dissenter[2] ?? `process ${dissenter[1] ?? '?'}`})`;
    return refused('DRIVE_BUSY', `${devicePath} cannot be unmounted: a volume on it is in use${who}; nothing was written.`, 'Close the files and Finder windows that use it (and quit the program named), then try again.');
  }
  if (/could not find disk|unable to find disk|does not exist/i.test(said)) {
    return refused('DRIVE_CHANGED', `${devicePath} is no longer there (diskutil: ${said}); nothing was written.`, 'Plug the drive in again, then choose it again.');
  }
  if (/not permitted|permission denied|not authorized/i.test(said)) {
    return refused('PERMISSION_DENIED', `macOS did not allow diskutil to act on ${devicePath} (${said}); nothing was written.`, 'Allow the app in System Settings → Privacy & Security (Removable Volumes), then try again.');
  }
  return refused('DRIVE_ACCESS_FAILED', `diskutil could not act on ${devicePath}: ${said || 'no message'}; nothing was written.`, 'Run the same diskutil command in Terminal to see why, then try again.');
}

/** What authopen's exit means when it gave no descriptor. */
export function classifyAuthopenFailure(devicePath: string, status: number | null, output: string): PanoramaUsbError {
  const said = output.trim().replace(/\s+/g, ' ');
  if (/cancel/i.test(said)) return refused('AUTHORIZATION_DISMISSED', `The authorisation to open ${devicePath} was cancelled; nothing was changed.`, 'Run it again and allow it when macOS asks.');
  if (/not authorized|authorization failed|denied/i.test(said) || status === 1) {
    return refused('AUTHORIZATION_DENIED', `macOS did not authorise opening ${devicePath} (${said || `authopen exited with ${String(status)}`}); nothing was changed.`, 'Run it again as an administrator of this Mac, and allow it when asked.');
  }
  return refused('DRIVE_ACCESS_UNAVAILABLE', `authopen could not open ${devicePath} (${said || `exit status ${String(status)}`}); nothing was changed.`, 'Check that the drive is still plugged in; run the command from an administrator account.');
}
