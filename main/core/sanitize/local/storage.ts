/**
 * What kind of storage holds a file, and so whether overwriting it in place can reach the old
 * blocks. Overwriting works on a spinning disk under a filesystem that writes in place (ext4,
 * xfs, FAT, NTFS). It cannot be guaranteed on flash (wear levelling sends the new bytes to fresh
 * blocks), on copy-on-write or log-structured filesystems (the new bytes go to new blocks by
 * design; snapshots keep the old ones), on virtual disks (the host decides where the blocks
 * live) or on network filesystems (the server does). The facts are gathered by detectStorage();
 * classifyStorage() turns them into a verdict and is pure, so every case can be tested.
 */
import { execFile } from 'node:child_process';
import { readFile, realpath, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { diskMediumForDevice, linuxMajorMinor, type Medium, type MediumFacts } from './block-medium';

export type { Medium } from './block-medium';

export type FilesystemKind = 'in-place' | 'copy-on-write' | 'log-structured' | 'overlay' | 'memory' | 'network' | 'unknown';

export interface StorageFacts {
  /** For people: "ext4", "btrfs", "apfs", "unknown (0x1234abcd)". */
  filesystem: string;
  filesystemKind: FilesystemKind;
  medium: Medium;
  /** The whole disk behind the file ("sda", "nvme0n1", "vda"), when known. */
  disk: string | null;
  /** Why the medium was classified so, for the caveat: "USB", "virtio", "rotational = 0". */
  mediumDetail: string | null;
}

export interface StorageVerdict {
  guarantee: 'overwritten' | 'not-guaranteed';
  caveats: string[];
}

/** Linux statfs f_type magics (linux/magic.h, and ZFS / bcachefs which live out of tree). */
const LINUX_FILESYSTEMS: ReadonlyMap<number, { name: string; kind: FilesystemKind }> = new Map([
  [0xef53, { name: 'ext2/3/4', kind: 'in-place' }],
  [0x58465342, { name: 'xfs', kind: 'in-place' }],
  [0x4d44, { name: 'vfat', kind: 'in-place' }],
  [0x2011bab0, { name: 'exfat', kind: 'in-place' }],
  [0x5346544e, { name: 'ntfs', kind: 'in-place' }],
  [0x3153464a, { name: 'jfs', kind: 'in-place' }],
  [0x52654973, { name: 'reiserfs', kind: 'in-place' }],
  [0x9123683e, { name: 'btrfs', kind: 'copy-on-write' }],
  [0x2fc12fc1, { name: 'zfs', kind: 'copy-on-write' }],
  [0xca451a4e, { name: 'bcachefs', kind: 'copy-on-write' }],
  [0xf2f52010, { name: 'f2fs', kind: 'log-structured' }],
  [0x3434, { name: 'nilfs2', kind: 'log-structured' }],
  [0x794c7630, { name: 'overlayfs', kind: 'overlay' }],
  [0x01021994, { name: 'tmpfs', kind: 'memory' }],
  [0x858458f6, { name: 'ramfs', kind: 'memory' }],
  [0x6969, { name: 'nfs', kind: 'network' }],
  [0xff534d42, { name: 'cifs', kind: 'network' }],
  [0xfe534d42, { name: 'smb2', kind: 'network' }],
  [0x65735546, { name: 'fuse', kind: 'unknown' }],
]);

const MACOS_FILESYSTEMS: Readonly<Record<string, FilesystemKind>> = {
  apfs: 'copy-on-write',
  hfs: 'in-place',
  msdos: 'in-place',
  exfat: 'in-place',
  ntfs: 'in-place',
  smbfs: 'network',
  nfs: 'network',
  afpfs: 'network',
  webdav: 'network',
};

/** The verdict for a set of facts: overwritten only when nothing stands between the overwrite and the old blocks. */
export function classifyStorage(facts: StorageFacts): StorageVerdict {
  const caveats: string[] = [];
  const fs = facts.filesystem;
  switch (facts.filesystemKind) {
    case 'copy-on-write':
      caveats.push(
        `This file is on a copy-on-write filesystem (${fs}): an overwrite is written to new blocks, and the old blocks (and any snapshot) keep the original bytes until the filesystem reuses them, so overwriting cannot guarantee the old blocks are gone.`,
      );
      break;
    case 'log-structured':
      caveats.push(`This file is on a log-structured filesystem (${fs}): an overwrite is appended to the log, and the old blocks keep the original bytes until they are cleaned, so overwriting cannot guarantee the old blocks are gone.`);
      break;
    case 'overlay':
      caveats.push('This file is on an overlay filesystem: if it came from a lower layer (a container image, a live system), writing to it made a copy and the original in the lower layer is untouched, so overwriting cannot guarantee the old blocks are gone.');
      break;
    case 'network':
      caveats.push(`This file is on a network filesystem (${fs}): the server stores its blocks (and may keep snapshots or backups of them), so overwriting from this computer cannot guarantee the old blocks are gone.`);
      break;
    case 'in-place':
    case 'memory':
    case 'unknown':
      break;
  }
  if (facts.filesystemKind !== 'memory' && facts.filesystemKind !== 'network') {
    const on = facts.disk === null ? '' : ` (${facts.disk}${facts.mediumDetail === null ? '' : `, ${facts.mediumDetail}`})`;
    switch (facts.medium) {
      case 'flash':
        caveats.push(
          `This file is on an SSD or other flash storage${on}: overwriting cannot guarantee the old blocks are gone (wear levelling writes the new bytes to fresh blocks and keeps the old ones until the drive reuses them). NIST SP 800-88 reaches such blocks only by sanitizing the whole device; full-disk encryption (FileVault, BitLocker, LUKS) protects what remains.`,
        );
        break;
      case 'virtual':
        caveats.push(`This file is on a virtual disk${on}: the host machine stores its blocks, possibly on an SSD, in a copy-on-write image or in snapshots, so overwriting inside this machine cannot guarantee the old blocks are gone.`);
        break;
      case 'unknown':
        caveats.push(`Could not tell what kind of storage holds this file${on} (filesystem ${fs}): it may be an SSD, where overwriting cannot guarantee the old blocks are gone.`);
        break;
      case 'rotational':
      case 'memory':
      case 'network':
        break;
    }
  }
  const inPlace = facts.filesystemKind === 'in-place' || facts.filesystemKind === 'memory';
  const safeMedium = facts.medium === 'rotational' || facts.medium === 'memory';
  return { guarantee: inPlace && safeMedium && caveats.length === 0 ? 'overwritten' : 'not-guaranteed', caveats };
}

interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
}

/** The Linux mount holding `dev` (a "major:minor" string), from /proc/self/mountinfo. */
async function linuxMountFor(majorMinor: string, mountinfo = '/proc/self/mountinfo'): Promise<MountEntry | null> {
  let text: string;
  try {
    text = await readFile(mountinfo, 'utf8');
  } catch {
    return null;
  }
  let found: MountEntry | null = null;
  for (const line of text.split('\n')) {
    // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const fields = left.split(' ');
    if (fields[2] !== majorMinor) continue;
    const [fsType, device] = right.split(' ');
    // The last match wins: a later mount of the same device is the one visible.
    found = { device: unescapeMount(device ?? ''), mountPoint: unescapeMount(fields[4] ?? ''), fsType: fsType ?? '' };
  }
  return found;
}

function unescapeMount(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_all, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

async function detectLinux(filePath: string): Promise<StorageFacts> {
  const stats = await stat(filePath, { bigint: true });
  const { major, minor } = linuxMajorMinor(stats.dev);
  const fsStats = await statfs(filePath).catch(() => null);
  const magic = fsStats === null ? null : fsStats.type >>> 0;
  const known = magic === null ? undefined : LINUX_FILESYSTEMS.get(magic);
  const mount = await linuxMountFor(`${major}:${minor}`);
  const filesystem = mount?.fsType ?? known?.name ?? (magic === null ? 'unknown' : `unknown (0x${magic.toString(16)})`);
  let filesystemKind: FilesystemKind = known?.kind ?? 'unknown';
  if (filesystemKind === 'unknown' && mount !== null && /^(nfs4?|cifs|smb3|fuse\.sshfs|9p|ceph|glusterfs)$/.test(mount.fsType)) filesystemKind = 'network';
  if (filesystemKind === 'memory') return { filesystem, filesystemKind, medium: 'memory', disk: null, mediumDetail: null };
  if (filesystemKind === 'network') return { filesystem, filesystemKind, medium: 'network', disk: null, mediumDetail: null };
  let medium: MediumFacts = await diskMediumForDevice(major, minor);
  // btrfs and others give files an anonymous device (0:N): find the disk through the mount's source.
  if (medium.medium === 'unknown' && medium.disk === null && mount?.device.startsWith('/dev/') === true) {
    const source = await stat(mount.device, { bigint: true }).catch(() => null);
    if (source?.isBlockDevice() === true) {
      const ids = linuxMajorMinor(source.rdev);
      medium = await diskMediumForDevice(ids.major, ids.minor);
    }
  }
  return { filesystem, filesystemKind, medium: medium.medium, disk: medium.disk, mediumDetail: medium.detail };
}

const execFileAsync = promisify(execFile);

/** macOS: the filesystem type from `mount` (statfs's f_type numbers are not stable there). */
async function detectMacOs(filePath: string): Promise<StorageFacts> {
  const real = await realpath(filePath);
  let entries: MountEntry[];
  try {
    const { stdout } = await execFileAsync('/sbin/mount', [], { encoding: 'utf8' });
    // "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)"
    entries = stdout.split('\n').flatMap((line) => {
      const match = /^(.+?) on (.+) \(([^,)]+)/.exec(line);
      return match === null ? [] : [{ device: match[1] ?? '', mountPoint: match[2] ?? '', fsType: match[3] ?? '' }];
    });
  } catch {
    entries = [];
  }
  const best = entries
    .filter((entry) => real === entry.mountPoint || real.startsWith(entry.mountPoint.endsWith('/') ? entry.mountPoint : `${entry.mountPoint}/`))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
  const filesystem = best?.fsType ?? 'unknown';
  const filesystemKind = MACOS_FILESYSTEMS[filesystem] ?? 'unknown';
  const medium: Medium = filesystemKind === 'network' ? 'network' : 'unknown';
  return { filesystem, filesystemKind, medium, disk: best === undefined ? null : path.basename(best.device), mediumDetail: null };
}

/** Everything we can learn about the storage under a file, without changing anything. */
export async function detectStorage(filePath: string): Promise<StorageFacts> {
  try {
    if (process.platform === 'linux') return await detectLinux(filePath);
    if (process.platform === 'darwin') return await detectMacOs(filePath);
  } catch {
    // Fall through: not knowing is itself a verdict (not guaranteed), never a reason to stop.
  }
  return { filesystem: 'unknown', filesystemKind: 'unknown', medium: 'unknown', disk: null, mediumDetail: null };
}
