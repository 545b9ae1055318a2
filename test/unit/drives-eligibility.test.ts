/**
 * Every eligibility rule, fed with lsblk output the way production sees it: drivelist's own
 * parser for real drives (what drivelist.list() returns on Linux), our parser for loop devices.
 * Fixtures: test/fixtures/lsblk/README.md says which are recorded and which composed.
 */
import { parse as drivelistParse } from 'drivelist/js/lsblk/json';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  KNOWN_GOOD_MAX_BYTES,
  MIN_DRIVE_BYTES,
  MIN_SANITIZE_BYTES,
  assessDrive,
  describeDrive,
  detailsFromLsblk,
  displayNameOf,
  fromDrivelist,
  isSystemMountpoint,
  loopDevicesFromLsblk,
  offerUnmount,
  requireEligible,
  type Drive,
  type DriveAssessment,
  type DrivePurpose,
} from '../../main/core/drives';
import { PanoramaUsbError } from '../../main/core/errors';

const FIXTURES = path.resolve('test/fixtures/lsblk');

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8');
}

function realDrives(name: string, cardTypes: ReadonlyMap<string, string> = new Map()): Drive[] {
  const stdout = fixture(name);
  const details = detailsFromLsblk(stdout, cardTypes);
  return drivelistParse(stdout).map((d) => fromDrivelist(d, details.get(d.device)));
}

function pick(drives: readonly Drive[], drivePath: string): Drive {
  const drive = drives.find((candidate) => candidate.path === drivePath);
  if (drive === undefined) throw new Error(`${drivePath} is not in [${drives.map((d) => d.path).join(', ')}]`);
  return drive;
}

function codes(reasons: readonly { code: string }[]): string[] {
  return reasons.map((reason) => reason.code);
}

function refusalCodes(drive: Drive, purpose?: DrivePurpose): string[] {
  return codes(assessDrive(drive, purpose).refusals);
}

function requireError(drive: Drive, purpose?: DrivePurpose, options?: Parameters<typeof requireEligible>[2]): PanoramaUsbError {
  try {
    requireEligible(drive, purpose, options);
  } catch (error) {
    if (error instanceof PanoramaUsbError) return error;
    throw error;
  }
  throw new Error(`${drive.path} was accepted`);
}

describe('recorded on this Debian 12 VM (virtio system disk, unused zram)', () => {
  const drives = realDrives('recorded-debian12-vm');

  it('refuses the virtio system disk mounted at /', () => {
    const vda = pick(drives, '/dev/vda');
    expect(vda).toMatchObject({ kind: 'internal', system: true, removable: false, mountpoints: ['/'], size: 274877906944, vendor: '0x1af4' });
    const assessment = assessDrive(vda);
    expect(codes(assessment.refusals)).toEqual(['SYSTEM_DRIVE']);
    expect(assessment.refusals[0]?.message).toContain('running system (/)');
    // a PCI vendor id means nothing to a person
    expect(vda.description).toBe('vda (internal)');
  });

  it('refuses zram as a virtual device even though drivelist calls it removable', () => {
    const zram = pick(drives, '/dev/zram0');
    expect(zram).toMatchObject({ kind: 'virtual', virtual: true, removable: true, system: false, size: null });
    expect(refusalCodes(zram)).toEqual(['VIRTUAL_DEVICE', 'TOO_SMALL']);
    expect(assessDrive(zram).warnings).toEqual([]);
  });

  it('leaves detached loop devices out (size 0 means no file attached)', () => {
    expect(loopDevicesFromLsblk(fixture('recorded-debian12-vm'))).toEqual([]);
    expect(drives.some((drive) => drive.path.startsWith('/dev/loop'))).toBe(false);
  });
});

describe('recorded on this VM with loop devices attached (rw, -r, mounted ext4)', () => {
  const backing = new Map([
    ['/dev/loop0', '/tmp/lsrec/train.img'],
    ['/dev/loop1', '/tmp/lsrec/ro.img'],
    ['/dev/loop2', '/tmp/lsrec/parted.img'],
  ]);
  const loops = loopDevicesFromLsblk(fixture('recorded-debian12-vm-loops'), backing);

  it('lists exactly the attached loops, with their backing files', () => {
    expect(loops.map((loop) => [loop.path, loop.size, loop.backingFile])).toEqual([
      ['/dev/loop0', 2147483648, '/tmp/lsrec/train.img'],
      ['/dev/loop1', 1258291200, '/tmp/lsrec/ro.img'],
      ['/dev/loop2', 1610612736, '/tmp/lsrec/parted.img'],
    ]);
    expect(pick(loops, '/dev/loop0')).toMatchObject({ kind: 'loop', virtual: true, system: false, bus: null, description: 'loop device on /tmp/lsrec/train.img' });
  });

  it('accepts the free writable loop, refuses the read-only one and the mounted one', () => {
    const free = assessDrive(pick(loops, '/dev/loop0'));
    expect(free).toMatchObject({ eligible: true, refusals: [], warnings: [] });
    expect(refusalCodes(pick(loops, '/dev/loop1'))).toEqual(['READ_ONLY']);
    const mounted = assessDrive(pick(loops, '/dev/loop2'));
    expect(codes(mounted.refusals)).toEqual(['MOUNTED']);
    expect(mounted.refusals[0]?.message).toContain('umount /tmp/lsrec/mnt');
  });
});

describe('laptop: NVMe system disk and a mounted 32 GB USB stick', () => {
  const drives = realDrives('laptop-nvme-usb');

  it('refuses the NVMe system disk, naming the system mountpoints', () => {
    const nvme = pick(drives, '/dev/nvme0n1');
    expect(nvme).toMatchObject({ kind: 'internal', bus: 'NVME', system: true, partitionTableType: 'gpt', serial: 'S4ENNX0R123456' });
    const assessment = assessDrive(nvme);
    expect(codes(assessment.refusals)).toEqual(['SYSTEM_DRIVE']);
    expect(assessment.refusals[0]?.message).toContain('/boot/efi, /, [SWAP]');
    expect(assessment.warnings).toEqual([]);
  });

  it('reads vendor, model and serial of the stick apart, and describes it for a person', () => {
    const stick = pick(drives, '/dev/sdb');
    expect(stick).toMatchObject({ kind: 'usb', bus: 'USB', vendor: 'SanDisk', model: 'Ultra', serial: '4C530001230918117154', removable: true, system: false, partitionTableType: 'mbr' });
    expect(stick.description).toBe('SanDisk Ultra (USB)');
    expect(describeDrive(stick)).toBe('/dev/sdb (SanDisk Ultra, 30.8 GB, USB)');
    // The name every screen shows: the product, its size as a label rounds it, the device.
    expect(displayNameOf(stick)).toBe('SanDisk Ultra 31 GB (sdb)');
    expect(assessDrive(stick).displayName).toBe('SanDisk Ultra 31 GB (sdb)');
  });

  it('names a drive with no product name by its kind, and an image file by its file name', () => {
    const stick = pick(drives, '/dev/sdb');
    expect(displayNameOf({ ...stick, vendor: null, model: null, description: 'sdb (USB)' })).toBe('USB drive 31 GB (sdb)');
    expect(displayNameOf({ ...stick, path: '\\\\.\\PhysicalDrive2', size: null })).toBe('SanDisk Ultra (PhysicalDrive2)');
    expect(displayNameOf({ ...stick, kind: 'image', path: '/tmp/work-x1/old.img', size: 2e9 })).toBe('old.img');
  });

  it('refuses the mounted stick with the command that unmounts it', () => {
    const stick = pick(drives, '/dev/sdb');
    expect(stick.mountpoints).toEqual(['/media/tech/PANORAMA']);
    const assessment = assessDrive(stick);
    expect(codes(assessment.refusals)).toEqual(['MOUNTED']);
    expect(assessment.refusals[0]?.message).toContain('umount /media/tech/PANORAMA');
    expect(assessment.refusals[0]?.message).toContain('leave the drive plugged in');
    const error = requireError(stick);
    expect(error).toMatchObject({ code: 'DRIVE_INELIGIBLE', outcome: 'refused' });
    expect(error.message).toMatch(/^\/dev\/sdb \(SanDisk Ultra \(USB\)\) cannot be used: it is mounted at \/media\/tech\/PANORAMA/);
  });

  it('offers the mounted stick with its volume named, and takes it only with consent covering every volume', () => {
    const stick = pick(drives, '/dev/sdb');
    const offered = offerUnmount(assessDrive(stick));
    expect(offered).toMatchObject({ eligible: true, refusals: [], unmount: ['/media/tech/PANORAMA'] });
    expect(offered.warnings.at(-1)).toEqual({ code: 'WILL_UNMOUNT', message: 'it is mounted at /media/tech/PANORAMA: it will be unmounted first' });
    expect(requireEligible(stick, 'provision', { unmount: true }).unmount).toEqual(['/media/tech/PANORAMA']);
    expect(requireEligible(stick, 'sanitize', { unmount: ['/media/tech/PANORAMA'] }).unmount).toEqual(['/media/tech/PANORAMA']);
    // Mounted somewhere the person was not told about (mounted again after they chose it): refused.
    const remounted = { ...stick, mountpoints: ['/media/tech/PANORAMA', '/media/tech/OTHER'] };
    const error = requireError(remounted, 'provision', { unmount: ['/media/tech/PANORAMA'] });
    expect(error).toMatchObject({ code: 'DRIVE_INELIGIBLE', outcome: 'refused' });
    expect(error.message).toContain('/media/tech/OTHER, which was not among the volumes you agreed to unmount');
    expect(requireError(stick, 'provision', { unmount: [] }).code).toBe('DRIVE_INELIGIBLE');
    // A system drive is never offered, whatever the consent.
    const system = pick(realDrives('desktop-sata-usb'), '/dev/sda');
    expect(offerUnmount(assessDrive(system)).eligible).toBe(false);
    expect(requireError(system, 'provision', { unmount: true }).code).toBe('DRIVE_INELIGIBLE');
  });

  it('accepts the same stick once unmounted, with no warnings (USB, under 32 GB)', () => {
    const unmounted = { ...pick(drives, '/dev/sdb'), mountpoints: [] };
    expect(assessDrive(unmounted)).toMatchObject({ eligible: true, refusals: [], warnings: [] });
  });
});

describe('card readers: empty USB reader, SD card in a built-in reader', () => {
  it('refuses an empty USB card reader as too small, size unknown', () => {
    const reader = pick(realDrives('card-readers'), '/dev/sdc');
    expect(reader).toMatchObject({ kind: 'card', size: null, bus: 'USB', description: 'Generic SD/MMC/MS PRO (USB card reader)' });
    const assessment = assessDrive(reader);
    expect(codes(assessment.refusals)).toEqual(['TOO_SMALL']);
    expect(assessment.refusals[0]?.message).toContain('insert a card of 1 GB or more');
    expect(requireError(reader)).toMatchObject({ code: 'TARGET_TOO_SMALL', outcome: 'refused' });
  });

  it('treats a built-in SD card as the system drive drivelist says it is, unless sysfs says "SD"', () => {
    const unknown = pick(realDrives('card-readers'), '/dev/mmcblk0');
    expect(unknown).toMatchObject({ kind: 'card', bus: 'MMC', system: true, serial: '0x1a2b3c4d' });
    expect(refusalCodes(unknown)).toEqual(['SYSTEM_DRIVE']);

    const card = pick(realDrives('card-readers', new Map([['/dev/mmcblk0', 'SD']])), '/dev/mmcblk0');
    expect(card).toMatchObject({ kind: 'card', bus: 'MMC', system: false, removable: true, size: 15931539456, description: 'SD card (built-in card reader)' });
    const assessment = assessDrive(card);
    expect(assessment.eligible).toBe(true);
    expect(codes(assessment.warnings)).toEqual(['NOT_USB']);
    expect(assessment.warnings[0]?.message).toContain('USB card reader');
  });

  it('refuses soldered-in eMMC storage (sysfs says "MMC")', () => {
    const emmc = pick(realDrives('card-readers', new Map([['/dev/mmcblk0', 'MMC']])), '/dev/mmcblk0');
    expect(emmc).toMatchObject({ kind: 'internal', system: true });
    expect(refusalCodes(emmc)).toEqual(['SYSTEM_DRIVE']);
  });
});

describe('desktop: SATA disks, eSATA hot-plug disk, 64 GB stick, write-protected SD card', () => {
  const drives = realDrives('desktop-sata-usb');

  it('refuses the SATA system disk and the internal data disk, without unmount advice', () => {
    expect(refusalCodes(pick(drives, '/dev/sda'))).toEqual(['SYSTEM_DRIVE']);
    const data = assessDrive(pick(drives, '/dev/sdb'));
    expect(codes(data.refusals)).toEqual(['SYSTEM_DRIVE']);
    expect(data.refusals[0]?.message).toContain('internal, non-removable');
    expect(pick(drives, '/dev/sdb').description).toBe('ST2000DM008-2FR102 (SATA)');
  });

  it('accepts a hot-plug SATA disk but warns that it is not USB (and large)', () => {
    const esata = assessDrive(pick(drives, '/dev/sdc'));
    expect(esata.eligible).toBe(true);
    expect(codes(esata.warnings)).toEqual(['LARGE_DRIVE', 'NOT_USB']);
    expect(esata.warnings[1]?.message).toContain('connected over SATA, not USB');
  });

  it('accepts the 64 GB stick with a LARGE_DRIVE warning', () => {
    const stick = pick(drives, '/dev/sdd');
    expect(stick).toMatchObject({ kind: 'usb', vendor: 'Samsung', model: 'Flash Drive FIT', size: 64160400896 });
    const assessment = assessDrive(stick);
    expect(assessment.eligible).toBe(true);
    expect(codes(assessment.warnings)).toEqual(['LARGE_DRIVE']);
    expect(assessment.warnings[0]?.message).toContain('64.2 GB: 1–32 GB drives are known to work with the appliance');
    expect(requireEligible(stick).warnings).toEqual(assessment.warnings);
  });

  it('refuses the write-protected SD card as READ_ONLY, with the contract code', () => {
    const card = pick(drives, '/dev/sde');
    expect(card.readOnly).toBe(true);
    const assessment = assessDrive(card);
    expect(codes(assessment.refusals)).toEqual(['READ_ONLY']);
    expect(assessment.refusals[0]?.message).toContain('lock switch');
    expect(requireError(card)).toMatchObject({ code: 'TARGET_READ_ONLY', outcome: 'refused' });
  });
});

describe('zram swap next to a btrfs system disk', () => {
  it('refuses zram used as swap: virtual, and part of the running system', () => {
    const zram = pick(realDrives('zram-swap'), '/dev/zram0');
    expect(zram).toMatchObject({ kind: 'virtual', virtual: true, size: 8589934592, mountpoints: ['[SWAP]'] });
    expect(refusalCodes(zram)).toEqual(['SYSTEM_DRIVE', 'VIRTUAL_DEVICE']);
  });

  it('sees every mountpoint of a btrfs partition, where drivelist keeps one', () => {
    const stdout = fixture('zram-swap');
    const fromDrivelistAlone = drivelistParse(stdout).find((d) => d.device === '/dev/nvme0n1');
    expect(fromDrivelistAlone?.mountpoints.map((mountpoint) => mountpoint.path)).not.toContain('/home');
    expect(pick(realDrives('zram-swap'), '/dev/nvme0n1').mountpoints).toEqual(['/boot/efi', '/boot', '/home', '/']);
  });
});

describe('loop devices: snaps, free, mounted, partitioned, detached; and a free USB stick', () => {
  const backing = new Map([
    ['/dev/loop0', '/var/lib/snapd/snaps/core22_1380.snap'],
    ['/dev/loop4', '/srv/panorama/train-2g.img'],
  ]);
  const loops = loopDevicesFromLsblk(fixture('loops-snap'), backing);

  it('lists attached loops only, never the detached one', () => {
    expect(loops.map((loop) => loop.path)).toEqual(['/dev/loop0', '/dev/loop1', '/dev/loop2', '/dev/loop3', '/dev/loop4', '/dev/loop5', '/dev/loop6']);
  });

  it('refuses snap squashfs loops: read-only, mounted under /snap, and small', () => {
    for (const snap of loops.slice(0, 4)) {
      expect(snap.readOnly, snap.path).toBe(true);
      expect(snap.mountpoints[0], snap.path).toMatch(/^\/snap\//);
      expect(refusalCodes(snap), snap.path).toEqual(['READ_ONLY', 'TOO_SMALL', 'MOUNTED']);
    }
    const error = requireError(pick(loops, '/dev/loop0'));
    expect(error.code).toBe('DRIVE_INELIGIBLE');
    expect(error.message).toContain('/dev/loop0 (loop device on /var/lib/snapd/snaps/core22_1380.snap) cannot be used: it is a read-only loop device');
    expect(error.message).toContain('77.4 MB');
    expect(error.message).toContain('umount /snap/core22/1380');
  });

  it('accepts the free 2 GiB loop, with no NOT_USB warning (loops are training drives)', () => {
    const free = pick(loops, '/dev/loop4');
    expect(free).toMatchObject({ kind: 'loop', backingFile: '/srv/panorama/train-2g.img', readOnly: false, size: 2147483648 });
    expect(assessDrive(free)).toMatchObject({ eligible: true, refusals: [], warnings: [] });
    expect(describeDrive(free)).toBe('/dev/loop4 (loop device on /srv/panorama/train-2g.img, 2.1 GB)');
    expect(displayNameOf(free)).toBe('train-2g.img (loop4)');
  });

  it('refuses a writable loop that is mounted, directly or through its partition', () => {
    expect(refusalCodes(pick(loops, '/dev/loop5'))).toEqual(['MOUNTED']);
    const partitioned = pick(loops, '/dev/loop6');
    expect(partitioned).toMatchObject({ partitionTableType: 'mbr', mountpoints: ['/media/tech/TRAINING'] });
    expect(refusalCodes(partitioned)).toEqual(['MOUNTED']);
  });

  it('accepts an unmounted 16 GB USB stick with no warnings', () => {
    const stick = pick(realDrives('loops-snap'), '/dev/sdb');
    expect(stick).toMatchObject({ kind: 'usb', description: 'Kingston DataTraveler 3.0 (USB)', mountpoints: [] });
    const assessment: DriveAssessment = requireEligible(stick);
    expect(assessment).toMatchObject({ eligible: true, refusals: [], warnings: [] });
  });
});

describe('thresholds', () => {
  const stick = pick(realDrives('loops-snap'), '/dev/sdb');

  it('needs 1 GB (decimal) and says how big a small drive is', () => {
    expect(MIN_DRIVE_BYTES).toBe(1_000_000_000);
    expect(assessDrive({ ...stick, size: MIN_DRIVE_BYTES }).eligible).toBe(true);
    const small = assessDrive({ ...stick, size: MIN_DRIVE_BYTES - 1 });
    expect(codes(small.refusals)).toEqual(['TOO_SMALL']);
    expect(small.refusals[0]?.message).toContain('1000.0 MB');
    expect(assessDrive({ ...stick, size: 512 * 1024 * 1024 }).refusals[0]?.message).toContain('536.9 MB');
  });

  it('warns only above 32 GiB', () => {
    expect(KNOWN_GOOD_MAX_BYTES).toBe(34_359_738_368);
    expect(assessDrive({ ...stick, size: KNOWN_GOOD_MAX_BYTES }).warnings).toEqual([]);
    expect(codes(assessDrive({ ...stick, size: KNOWN_GOOD_MAX_BYTES + 1 }).warnings)).toEqual(['LARGE_DRIVE']);
  });

  it('keeps the general code when a drive has several refusals', () => {
    const error = requireError({ ...stick, readOnly: true, size: 100_000_000 });
    expect(error.code).toBe('DRIVE_INELIGIBLE');
    expect(error.message).toContain('write-protected');
    expect(error.message).toContain('100.0 MB');
  });
});

describe('by purpose: provisioning needs what the appliance needs, sanitizing what a reformat needs, reading nothing but a real drive', () => {
  const MiB = 1024 ** 2;
  const stick = pick(realDrives('loops-snap'), '/dev/sdb');
  const oldStick = { ...stick, size: 512 * MiB };

  it('a 512 MiB stick: refused for provisioning (TOO_SMALL, the appliance\'s 1 GB), eligible for sanitizing and reading', () => {
    expect(refusalCodes(oldStick)).toEqual(['TOO_SMALL']);
    expect(refusalCodes(oldStick, 'provision')).toEqual(['TOO_SMALL']);
    expect(requireError(oldStick, 'provision')).toMatchObject({ code: 'TARGET_TOO_SMALL', outcome: 'refused', nextStep: 'Use a drive (or an image file) of at least 1 GB.' });
    expect(assessDrive(oldStick, 'sanitize')).toMatchObject({ eligible: true, refusals: [], warnings: [] });
    expect(requireEligible(oldStick, 'sanitize').eligible).toBe(true);
    expect(assessDrive(oldStick, 'read')).toMatchObject({ eligible: true, refusals: [], warnings: [] });
  });

  it('sanitizing any size from the floor up: 3 MiB is eligible, a byte less is TOO_SMALL with its own reason, not the appliance\'s', () => {
    expect(MIN_SANITIZE_BYTES).toBe(3 * MiB);
    expect(assessDrive({ ...stick, size: MIN_SANITIZE_BYTES }, 'sanitize').eligible).toBe(true);
    for (const size of [MIN_SANITIZE_BYTES - 1, MiB, 0]) {
      const tiny = { ...stick, size };
      expect(refusalCodes(tiny, 'sanitize'), String(size)).toEqual(['TOO_SMALL']);
      const message = assessDrive(tiny, 'sanitize').refusals[0]?.message ?? '';
      expect(message).toContain('too little for a partition table and the smallest FAT volume (at least 3 MiB)');
      expect(message).not.toContain('appliance');
      const error = requireError(tiny, 'sanitize');
      expect(error).toMatchObject({ code: 'TARGET_TOO_SMALL', outcome: 'refused' });
      expect(error.nextStep).toContain('3 MiB');
      // Below the floor it is refused for provisioning too, for the appliance's reason.
      expect(refusalCodes(tiny, 'provision')).toEqual(['TOO_SMALL']);
      expect(assessDrive(tiny, 'provision').refusals[0]?.message).toContain('the 1 GB the appliance needs');
    }
    const image: Drive = { ...stick, kind: 'image', path: '/tmp/tiny.img', size: MiB };
    expect(assessDrive(image, 'sanitize').refusals[0]?.message).toContain('truncate -s 16M /tmp/tiny.img');
  });

  it('sanitizing still refuses system drives, virtual devices, read-only and mounted drives, whatever their size', () => {
    const vm = realDrives('recorded-debian12-vm');
    expect(refusalCodes(pick(vm, '/dev/vda'), 'sanitize')).toEqual(['SYSTEM_DRIVE']);
    expect(refusalCodes(pick(realDrives('zram-swap'), '/dev/zram0'), 'sanitize')).toEqual(['SYSTEM_DRIVE', 'VIRTUAL_DEVICE']);
    expect(refusalCodes({ ...pick(vm, '/dev/zram0'), size: 512 * MiB }, 'sanitize')).toEqual(['VIRTUAL_DEVICE']);
    expect(refusalCodes({ ...oldStick, readOnly: true }, 'sanitize')).toEqual(['READ_ONLY']);
    expect(requireError({ ...oldStick, readOnly: true }, 'sanitize')).toMatchObject({ code: 'TARGET_READ_ONLY' });
    expect(refusalCodes({ ...oldStick, mountpoints: ['/media/tech/OLD'] }, 'sanitize')).toEqual(['MOUNTED']);
    expect(refusalCodes({ ...oldStick, mountpoints: ['/', '/media/tech/DATA'] }, 'sanitize')).toEqual(['SYSTEM_DRIVE']);
    const loops = loopDevicesFromLsblk(fixture('loops-snap'), new Map());
    // The snaps' loops: 77 MB is big enough to erase, but they are read-only and mounted.
    expect(refusalCodes(pick(loops, '/dev/loop0'), 'sanitize')).toEqual(['READ_ONLY', 'MOUNTED']);
    const emptyReader = pick(realDrives('card-readers'), '/dev/sdc');
    expect(refusalCodes(emptyReader, 'sanitize')).toEqual(['TOO_SMALL']);
    expect(assessDrive(emptyReader, 'sanitize').refusals[0]?.message).toContain('insert the card to erase');
  });

  it('sanitizing leaves out the appliance\'s warnings (LARGE_DRIVE, NOT_USB)', () => {
    const desktop = realDrives('desktop-sata-usb');
    expect(codes(assessDrive(pick(desktop, '/dev/sdc')).warnings)).toEqual(['LARGE_DRIVE', 'NOT_USB']);
    expect(assessDrive(pick(desktop, '/dev/sdc'), 'sanitize')).toMatchObject({ eligible: true, warnings: [] });
    expect(assessDrive(pick(desktop, '/dev/sdd'), 'sanitize')).toMatchObject({ eligible: true, warnings: [] });
    const card = pick(realDrives('card-readers', new Map([['/dev/mmcblk0', 'SD']])), '/dev/mmcblk0');
    expect(assessDrive(card, 'sanitize')).toMatchObject({ eligible: true, warnings: [] });
  });

  it('reading (collect-logs) refuses only system drives and virtual devices: read-only, mounted and tiny drives read fine', () => {
    expect(refusalCodes(pick(realDrives('recorded-debian12-vm'), '/dev/vda'), 'read')).toEqual(['SYSTEM_DRIVE']);
    expect(refusalCodes({ ...pick(realDrives('recorded-debian12-vm'), '/dev/zram0'), size: 512 * MiB }, 'read')).toEqual(['VIRTUAL_DEVICE']);
    expect(requireError(pick(realDrives('recorded-debian12-vm'), '/dev/vda'), 'read')).toMatchObject({ code: 'DRIVE_INELIGIBLE', outcome: 'refused' });
    for (const drive of [{ ...oldStick, readOnly: true }, { ...oldStick, mountpoints: ['/media/tech/OLD'] }, { ...stick, size: MiB }, pick(realDrives('desktop-sata-usb'), '/dev/sde')]) {
      expect(assessDrive(drive, 'read'), drive.path).toMatchObject({ eligible: true, refusals: [], warnings: [] });
    }
  });
});

describe('system mountpoints', () => {
  it('recognises Linux, macOS and Windows system locations', () => {
    for (const mountpoint of ['/', '/boot', '/boot/efi', '/boot/firmware', '/usr', '/var', '/home', '[SWAP]', '/System/Volumes/Data']) {
      expect(isSystemMountpoint(mountpoint), mountpoint).toBe(true);
    }
    expect(isSystemMountpoint('C:\\', 'C:')).toBe(true);
    expect(isSystemMountpoint('D:\\', 'D:')).toBe(true);
  });

  it('does not mistake ordinary mounts or other drive letters for the system', () => {
    for (const mountpoint of ['/media/tech/PANORAMA', '/mnt/usb', '/run/media/tech/X', '/homework', '/snap/core22/1380']) {
      expect(isSystemMountpoint(mountpoint), mountpoint).toBe(false);
    }
    expect(isSystemMountpoint('E:\\', 'C:')).toBe(false);
  });

  it('refuses any drive that carries a system mountpoint, whatever its flags say', () => {
    const stick = pick(realDrives('loops-snap'), '/dev/sdb');
    const linuxOnAStick = assessDrive({ ...stick, mountpoints: ['/', '/media/tech/DATA'] });
    expect(codes(linuxOnAStick.refusals)).toEqual(['SYSTEM_DRIVE']);
  });
});
