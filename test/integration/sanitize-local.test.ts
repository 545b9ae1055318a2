/**
 * Local copies of the archive: scanLeftovers finds them by name and by contents (names only,
 * nothing inflated) and ignores everything else; shredFile overwrites the bytes in place (seen
 * through a hard link made beforehand, which keeps the inode), renames, truncates and removes;
 * refusals change nothing; and the storage verdict (SSD, copy-on-write, virtual disk) is stated
 * plainly, checked on this machine against findmnt / lsblk and on injected facts.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  classifyStorage,
  detectStorage,
  diskMediumForDevice,
  scanLeftovers,
  shredFile,
  shredFiles,
  type StorageFacts,
} from '../../main/core/sanitize/local';
import { realisticArchive } from '../support/archives';
import { imageDir } from '../support/images';
import { expectRefusal } from '../support/refusal';
import { isRoot, mustRun, tool } from '../support/tools';
import { buildZip } from '../support/zip-builder';

const { dir, cleanup } = imageDir('sanitize-local');
afterAll(cleanup);

let folderCount = 0;
function freshFolder(name: string): string {
  folderCount += 1;
  const folder = path.join(dir, `${String(folderCount).padStart(2, '0')}-${name}`);
  mkdirSync(folder, { recursive: true });
  return folder;
}

function put(file: string, data: Buffer | string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  return file;
}

/** Every path under a folder with its type and content hash: a refusal must leave it identical. */
function snapshot(folder: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const stats = lstatSync(full);
      const key = path.relative(folder, full);
      if (entry.isDirectory()) {
        result[key] = `dir ${stats.mode.toString(8)}`;
        walk(full);
      } else if (entry.isSymbolicLink()) result[key] = `link`;
      else if (entry.isFile()) result[key] = `file ${stats.mtimeMs} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
      else result[key] = `special ${stats.mode.toString(8)}`;
    }
  };
  walk(folder);
  return result;
}

const NOW = new Date('2026-06-01T12:00:00.000Z');

function age(file: string, seconds: number): void {
  const when = new Date(NOW.getTime() - seconds * 1000);
  utimesSync(file, when, when);
}

describe('scanLeftovers', () => {
  it('finds archives by name and by contents, reports their age, and ignores everything else', async () => {
    const root = freshFolder('scan');
    const byName = put(path.join(root, 'certificates-omni_lobby-cam-01.zip'), realisticArchive());
    const browserCopy = put(path.join(root, 'sub', 'certificates-omni_lobby-cam-01 (1).zip'), realisticArchive());
    const unfinished = put(path.join(root, 'certificates-omni_door-cam.zip.crdownload'), Buffer.from('PK partial download'));
    const renamed = put(path.join(root, 'renamed', 'provisioning.zip'), realisticArchive());
    // Four folder levels down is still scanned; five is not.
    const deepest = put(path.join(root, 'a', 'b', 'c', 'd', 'deep.zip'), realisticArchive());
    put(path.join(root, 'a', 'b', 'c', 'd', 'e', 'too-deep.zip'), realisticArchive());
    // Not archives: an unrelated zip, a zip too large to be one, a .zip that is not a zip, an archive's contents unzipped.
    put(path.join(root, 'photos.zip'), buildZip([{ name: 'holiday.jpg', data: 'jpeg' }, { name: 'notes.txt', data: 'hello' }]));
    put(path.join(root, 'only-network.zip'), buildZip([{ name: 'network.json', data: '{}' }]));
    put(path.join(root, 'large.zip'), buildZip([{ name: 'network.json', data: '{}' }, { name: 'private_key.pem', data: 'x' }, { name: 'padding.bin', data: Buffer.alloc(1024 * 1024 + 1, 7), method: 'store' }]));
    put(path.join(root, 'broken.zip'), Buffer.from('this is not a zip file at all'));
    put(path.join(root, 'network.json'), '{}');
    // Skipped folders, and symbolic links (never followed, in or out of the tree).
    put(path.join(root, 'node_modules', 'pkg', 'certificates-omni_vendored.zip'), realisticArchive());
    put(path.join(root, '.git', 'certificates-omni_history.zip'), realisticArchive());
    const outside = freshFolder('outside');
    put(path.join(outside, 'certificates-omni_elsewhere.zip'), realisticArchive());
    symlinkSync(outside, path.join(root, 'link-to-outside'));
    symlinkSync(byName, path.join(root, 'certificates-omni_symlinked.zip'));

    age(byName, 3600);
    age(browserCopy, 86_400 * 3);
    age(unfinished, 5);
    age(renamed, 120);
    age(deepest, 0);

    const found = await scanLeftovers([root], { now: NOW });
    expect(found.map((leftover) => [path.relative(root, leftover.path), leftover.reason, leftover.ageSeconds])).toEqual([
      ['a/b/c/d/deep.zip', 'contents', 0],
      ['certificates-omni_door-cam.zip.crdownload', 'name', 5],
      ['certificates-omni_lobby-cam-01.zip', 'name', 3600],
      ['renamed/provisioning.zip', 'contents', 120],
      ['sub/certificates-omni_lobby-cam-01 (1).zip', 'name', 259_200],
    ]);
    const first = found.find((leftover) => leftover.path === byName);
    expect(first).toEqual({ path: byName, size: statSync(byName).size, modifiedAt: new Date(NOW.getTime() - 3_600_000).toISOString(), ageSeconds: 3600, reason: 'name' });
    // Deeper with a larger depth limit; scanning never changed a file.
    const before = snapshot(root);
    expect((await scanLeftovers([root], { now: NOW, maxDepth: 5 })).map((leftover) => path.basename(leftover.path))).toContain('too-deep.zip');
    expect(snapshot(root)).toEqual(before);
  });

  it('reads only the central directory: an archive whose entries would not even inflate is still found by its names', async () => {
    const root = freshFolder('names-only');
    // Entry data that lies about its CRC and size: inflating it would fail; listing names does not.
    put(path.join(root, 'export.zip'), buildZip([{ name: 'cfg/network.json', data: '{}', crc: 1 }, { name: 'cfg/device.crt', data: 'x', declaredSize: 99 }]));
    expect((await scanLeftovers([root], { now: NOW })).map((leftover) => [path.basename(leftover.path), leftover.reason])).toEqual([['export.zip', 'contents']]);
  });

  it('scans Downloads, Desktop and Documents under the home folder and the temporary folder by default', async () => {
    const home = freshFolder('home');
    const temp = freshFolder('temp');
    const inDownloads = put(path.join(home, 'Downloads', 'certificates-omni_from-console.zip'), realisticArchive());
    const inDesktop = put(path.join(home, 'Desktop', 'certificates-omni_desk.zip'), realisticArchive());
    const inTemp = put(path.join(temp, 'certificates-omni_tmp.zip'), realisticArchive());
    put(path.join(home, 'Music', 'certificates-omni_not-looked-at.zip'), realisticArchive());
    const saved = { HOME: process.env.HOME, TMPDIR: process.env.TMPDIR };
    process.env.HOME = home;
    process.env.TMPDIR = temp;
    try {
      // Documents does not exist here: a missing usual place is skipped, not refused.
      expect((await scanLeftovers()).map((leftover) => leftover.path).sort()).toEqual([inDesktop, inDownloads, inTemp].sort());
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = value;
      }
    }
  });

  it('refuses a folder given that does not exist, or is a file', async () => {
    const root = freshFolder('refuse');
    await expectRefusal(scanLeftovers([root, path.join(root, 'missing')]), { code: 'FOLDER_NOT_FOUND', outcome: 'refused' }, 'missing');
    const file = put(path.join(root, 'file.txt'), 'x');
    await expectRefusal(scanLeftovers([file]), { code: 'NOT_A_FOLDER', outcome: 'refused' });
  });

  it.skipIf(isRoot())('skips folders it cannot read', async () => {
    const root = freshFolder('unreadable');
    put(path.join(root, 'locked', 'certificates-omni_locked.zip'), realisticArchive());
    const visible = put(path.join(root, 'certificates-omni_visible.zip'), realisticArchive());
    chmodSync(path.join(root, 'locked'), 0o000);
    try {
      expect((await scanLeftovers([root])).map((leftover) => leftover.path)).toEqual([visible]);
    } finally {
      chmodSync(path.join(root, 'locked'), 0o755);
    }
  });
});

describe('shredFile', () => {
  it('overwrites every byte in place (seen through a hard link), renames, truncates and removes the file', async () => {
    const folder = freshFolder('shred');
    const marker = `SECRET-MARKER-${Date.now().toString(36)}`;
    // Several chunks and a ragged tail, the marker stored (not deflated) so it is findable in the bytes.
    const original = Buffer.concat([realisticArchive({ marker }), Buffer.alloc(3 * 1024 * 1024 + 123, 0x41)]);
    const file = put(path.join(folder, 'certificates-omni_lobby-cam-01.zip'), original);
    const witness = path.join(folder, 'witness-link');
    linkSync(file, witness);
    const inode = statSync(file).ino;

    const seen: { phase: string; name: string; bytes?: Buffer }[] = [];
    const result = await shredFile(file, {
      onPhase: (phase, current) => {
        seen.push({ phase, name: path.basename(current), ...(phase === 'overwritten' ? { bytes: readFileSync(witness) } : {}) });
      },
    });

    const overwritten = seen[0]?.bytes ?? Buffer.alloc(0);
    expect(overwritten.length).toBe(original.length);
    expect(overwritten.includes(Buffer.from(marker))).toBe(false);
    expect(overwritten.includes(Buffer.from('-----BEGIN'))).toBe(false);
    // Random data matches the original in about 1 byte of 256; a skipped chunk would show here.
    let same = 0;
    for (let index = 0; index < original.length; index += 1) if (overwritten[index] === original[index]) same += 1;
    expect(same / original.length).toBeLessThan(0.01);

    expect(seen.map((step) => step.phase)).toEqual(['overwritten', 'renamed', 'truncated', 'removed']);
    const randomName = seen[1]?.name ?? '';
    expect(randomName).toMatch(/^[a-z0-9]+$/);
    expect(randomName).toHaveLength(path.basename(file).length);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(folder)).toEqual(['witness-link']);
    // The link keeps the inode: it now holds nothing at all.
    expect(statSync(witness)).toMatchObject({ ino: inode, size: 0, nlink: 1 });

    const verdict = classifyStorage(await detectStorage(folder));
    expect(result).toMatchObject({ path: file, bytesOverwritten: original.length, passes: 1, removed: true, guarantee: verdict.guarantee });
    expect(result.caveats).toEqual([...verdict.caveats, 'This file had 1 other name (hard link) for the same data: it still exists, now as an empty file.']);
    expect(JSON.stringify(result)).not.toContain(marker);
  });

  it('shreds an empty file too', async () => {
    const file = put(path.join(freshFolder('empty'), 'certificates-omni_empty.zip'), '');
    expect(await shredFile(file)).toMatchObject({ bytesOverwritten: 0, removed: true });
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    ['a missing file', (folder: string) => path.join(folder, 'certificates-omni_gone.zip'), 'FILE_NOT_FOUND'],
    ['a path through a file', (folder: string) => path.join(folder, 'keep.txt', 'child'), 'FILE_NOT_FOUND'],
    ['a folder', (folder: string) => folder, 'IS_A_DIRECTORY'],
    [
      'a named pipe',
      (folder: string) => {
        const fifo = path.join(folder, 'certificates-omni_pipe.zip');
        mustRun('mkfifo', [fifo]);
        return fifo;
      },
      'NOT_A_REGULAR_FILE',
    ],
    [
      'a symbolic link',
      (folder: string) => {
        const link = path.join(folder, 'certificates-omni_link.zip');
        symlinkSync(path.join(folder, 'certificates-omni_target.zip'), link);
        return link;
      },
      'SYMLINK',
    ],
  ])('refuses %s and changes nothing', async (_name, make, code) => {
    const folder = freshFolder(`refuse-${code.toLowerCase()}`);
    put(path.join(folder, 'keep.txt'), 'keep me');
    put(path.join(folder, 'certificates-omni_target.zip'), realisticArchive());
    const target = make(folder);
    const before = snapshot(folder);
    await expectRefusal(shredFile(target), { code, outcome: 'refused' });
    expect(snapshot(folder)).toEqual(before);
  });

  it('says which file a symbolic link points to', async () => {
    const folder = freshFolder('symlink-message');
    const target = put(path.join(folder, 'certificates-omni_real.zip'), realisticArchive());
    const link = path.join(folder, 'shortcut.zip');
    symlinkSync('certificates-omni_real.zip', link);
    await expectRefusal(shredFile(link), { code: 'SYMLINK', nextStep: `Shred its target instead: panorama-usb shred ${JSON.stringify(target)}` }, target);
  });

  it('states the caveat when the storage cannot guarantee the overwrite (facts injected)', async () => {
    const folder = freshFolder('flash');
    const file = put(path.join(folder, 'certificates-omni_on-flash.zip'), realisticArchive());
    const flash: StorageFacts = { filesystem: 'ext4', filesystemKind: 'in-place', medium: 'flash', disk: 'nvme0n1', mediumDetail: 'NVMe SSD' };
    const result = await shredFile(file, { detect: () => Promise.resolve(flash) });
    expect(result).toMatchObject({ guarantee: 'not-guaranteed', filesystem: 'ext4', medium: 'flash', removed: true });
    expect(result.caveats[0]).toMatch(/^This file is on an SSD or other flash storage \(nvme0n1, NVMe SSD\): overwriting cannot guarantee the old blocks are gone \(wear levelling/);
    expect(existsSync(file)).toBe(false);
  });
});

describe('shredFiles', () => {
  it('handles each file on its own: refusals are listed with their codes and never stop the rest', async () => {
    const folder = freshFolder('many');
    const first = put(path.join(folder, 'certificates-omni_one.zip'), realisticArchive());
    const second = put(path.join(folder, 'sub', 'certificates-omni_two.zip'), realisticArchive());
    const missing = path.join(folder, 'certificates-omni_missing.zip');
    const report = await shredFiles([first, missing, path.join(folder, 'sub'), second, first]);
    expect(report).toMatchObject({ shredded: 2, refused: 2, failed: 0 });
    expect(report.outcomes.map((outcome) => [path.relative(folder, outcome.path), outcome.status, outcome.status === 'shredded' ? outcome.result.removed : outcome.error.code])).toEqual([
      ['certificates-omni_one.zip', 'shredded', true],
      ['certificates-omni_missing.zip', 'refused', 'FILE_NOT_FOUND'],
      ['sub', 'refused', 'IS_A_DIRECTORY'],
      ['sub/certificates-omni_two.zip', 'shredded', true],
    ]);
    expect(readdirSync(folder)).toEqual(['sub']);
    expect(readdirSync(path.join(folder, 'sub'))).toEqual([]);
  });
});

describe('storage verdicts', () => {
  it('gives a consistent answer for this machine\'s temporary folder, matching findmnt and lsblk', async () => {
    const folder = freshFolder('detect');
    const facts = await detectStorage(folder);
    expect(await detectStorage(folder)).toEqual(facts);
    const verdict = classifyStorage(facts);
    expect(verdict.guarantee === 'overwritten').toBe(verdict.caveats.length === 0);
    if (process.platform !== 'linux') return;
    const fsType = tool('findmnt', ['-n', '-o', 'FSTYPE', '-T', folder]).stdout.trim();
    if (fsType !== '') expect(facts.filesystem).toBe(fsType);
    if (facts.disk !== null && facts.mediumDetail !== null && /^(rotational|non-rotational|NVMe SSD)$/.test(facts.mediumDetail)) {
      const rota = tool('lsblk', ['-d', '-n', '-o', 'ROTA', `/dev/${facts.disk}`]).stdout.trim();
      expect(rota).toBe(facts.medium === 'rotational' ? '1' : '0');
    }
    if (['btrfs', 'zfs', 'bcachefs'].includes(fsType)) expect(verdict.caveats.join(' ')).toMatch(/copy-on-write/);
    if (facts.medium === 'flash') expect(verdict.caveats.join(' ')).toMatch(/SSD or other flash storage/);
  });

  it.each<[string, StorageFacts, 'overwritten' | 'not-guaranteed', RegExp[]]>([
    ['a spinning disk under ext4', { filesystem: 'ext4', filesystemKind: 'in-place', medium: 'rotational', disk: 'sda', mediumDetail: 'rotational' }, 'overwritten', []],
    ['RAM (tmpfs)', { filesystem: 'tmpfs', filesystemKind: 'memory', medium: 'memory', disk: null, mediumDetail: null }, 'overwritten', []],
    ['an SSD', { filesystem: 'ext4', filesystemKind: 'in-place', medium: 'flash', disk: 'nvme0n1', mediumDetail: 'NVMe SSD' }, 'not-guaranteed', [/SSD or other flash storage \(nvme0n1, NVMe SSD\)/, /wear levelling/, /NIST SP 800-88/]],
    ['a USB stick', { filesystem: 'vfat', filesystemKind: 'in-place', medium: 'flash', disk: 'sdb', mediumDetail: 'USB flash' }, 'not-guaranteed', [/flash storage \(sdb, USB flash\)/]],
    ['btrfs on a spinning disk', { filesystem: 'btrfs', filesystemKind: 'copy-on-write', medium: 'rotational', disk: 'sda', mediumDetail: 'rotational' }, 'not-guaranteed', [/copy-on-write filesystem \(btrfs\)/, /snapshot/]],
    ['ZFS', { filesystem: 'zfs', filesystemKind: 'copy-on-write', medium: 'unknown', disk: null, mediumDetail: null }, 'not-guaranteed', [/copy-on-write filesystem \(zfs\)/, /Could not tell/]],
    ['APFS on a Mac', { filesystem: 'apfs', filesystemKind: 'copy-on-write', medium: 'unknown', disk: 'disk3s1', mediumDetail: null }, 'not-guaranteed', [/copy-on-write filesystem \(apfs\)/]],
    ['f2fs', { filesystem: 'f2fs', filesystemKind: 'log-structured', medium: 'flash', disk: 'mmcblk0', mediumDetail: 'SD/MMC card' }, 'not-guaranteed', [/log-structured/, /flash storage/]],
    ['an overlay', { filesystem: 'overlay', filesystemKind: 'overlay', medium: 'rotational', disk: 'sda', mediumDetail: 'rotational' }, 'not-guaranteed', [/lower layer/]],
    ['NFS', { filesystem: 'nfs4', filesystemKind: 'network', medium: 'network', disk: null, mediumDetail: null }, 'not-guaranteed', [/network filesystem \(nfs4\)/]],
    ['a virtual disk', { filesystem: 'ext4', filesystemKind: 'in-place', medium: 'virtual', disk: 'vda', mediumDetail: 'virtio' }, 'not-guaranteed', [/virtual disk \(vda, virtio\)/]],
    ['unknown storage', { filesystem: 'unknown', filesystemKind: 'unknown', medium: 'unknown', disk: null, mediumDetail: null }, 'not-guaranteed', [/Could not tell/]],
  ])('classifies %s', (_name, facts, guarantee, patterns) => {
    const verdict = classifyStorage(facts);
    expect(verdict.guarantee).toBe(guarantee);
    if (guarantee === 'overwritten') expect(verdict.caveats).toEqual([]);
    for (const pattern of patterns) expect(verdict.caveats.join(' ')).toMatch(pattern);
    expect(verdict.caveats.join(' ')).not.toMatch(/\bPurge\b/);
  });

  it('finds the medium behind a device number in a sysfs tree (partitions, USB, NVMe, MMC, virtio, device-mapper)', async () => {
    const sys = freshFolder('sysfs');
    const disk = (devicePath: string, attributes: Record<string, string>, dev: string, partition?: { name: string; dev: string }): void => {
      const full = path.join(sys, 'devices', devicePath);
      for (const [name, value] of Object.entries(attributes)) put(path.join(full, name), `${value}\n`);
      put(path.join(full, 'dev'), `${dev}\n`);
      mkdirSync(path.join(sys, 'dev', 'block'), { recursive: true });
      symlinkSync(full, path.join(sys, 'dev', 'block', dev));
      if (partition !== undefined) {
        put(path.join(full, partition.name, 'partition'), '1\n');
        put(path.join(full, partition.name, 'dev'), `${partition.dev}\n`);
        symlinkSync(path.join(full, partition.name), path.join(sys, 'dev', 'block', partition.dev));
      }
    };
    disk('pci0000:00/0000:00:14.0/usb2/2-1/host6/target6:0:0/6:0:0:0/block/sdb', { 'queue/rotational': '1', removable: '1' }, '8:16', { name: 'sdb1', dev: '8:17' });
    disk('pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda', { 'queue/rotational': '1', removable: '0', 'device/vendor': 'ATA' }, '8:0', { name: 'sda1', dev: '8:1' });
    disk('pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1', { 'queue/rotational': '0', removable: '0' }, '259:0', { name: 'nvme0n1p2', dev: '259:2' });
    disk('platform/mmc_host/mmc0/mmc0:0001/block/mmcblk0', { 'queue/rotational': '0' }, '179:0', { name: 'mmcblk0p1', dev: '179:1' });
    disk('pci0000:00/0000:00:02.0/virtio1/block/vda', { 'queue/rotational': '1', 'device/vendor': '0x1af4' }, '254:0', { name: 'vda1', dev: '254:1' });
    disk('virtual/block/dm-0', { 'queue/rotational': '0', 'slaves/sda1/dev': '8:1' }, '253:0');
    disk('virtual/block/dm-1', { 'queue/rotational': '0', 'slaves/sda1/dev': '8:1', 'slaves/nvme0n1p2/dev': '259:2' }, '253:1');

    const medium = async (major: number, minor: number): Promise<[string, string | null]> => {
      const facts = await diskMediumForDevice(major, minor, sys);
      return [facts.medium, facts.disk];
    };
    expect(await medium(8, 17)).toEqual(['flash', 'sdb']);
    expect(await medium(8, 1)).toEqual(['rotational', 'sda']);
    expect(await medium(259, 2)).toEqual(['flash', 'nvme0n1']);
    expect(await medium(179, 1)).toEqual(['flash', 'mmcblk0']);
    expect(await medium(254, 1)).toEqual(['virtual', 'vda']);
    expect(await medium(253, 0)).toEqual(['rotational', 'dm-0']);
    expect(await medium(253, 1)).toEqual(['flash', 'dm-1']);
    expect((await diskMediumForDevice(253, 1, sys)).detail).toBe('on nvme0n1, NVMe SSD');
    expect(await medium(7, 99)).toEqual(['unknown', null]);
    expect(await medium(0, 42)).toEqual(['unknown', null]);
  });
});
