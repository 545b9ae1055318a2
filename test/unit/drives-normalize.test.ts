/**
 * Reading lsblk output from other util-linux versions, sysfs facts, and the one-snapshot listing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drivesFromLsblk, formatSize, loopDevicesFromLsblk } from '../../main/core/drives';
import { parseLsblk } from '../../main/core/drives/lsblk';
import { partitionParent, readSysfsFacts } from '../../main/core/drives/sysfs';

// lsblk before 2.37 (e.g. 2.33 in Debian 10): numbers and flags as strings, one "mountpoint".
const OLD_LSBLK = JSON.stringify({
  blockdevices: [
    { name: 'loop0', type: 'loop', size: '2147483648', ro: '0', rm: '0', hotplug: '0', tran: null, model: null, serial: null, vendor: null, pttype: null, mountpoint: null },
    { name: 'loop1', type: 'loop', size: '1073741824', ro: '1', rm: '0', hotplug: '0', mountpoint: '/mnt/ro' },
    {
      name: 'loop2',
      type: 'loop',
      size: '2147483648',
      ro: '0',
      rm: '0',
      pttype: 'gpt',
      mountpoint: null,
      children: [{ name: 'loop2p1', type: 'part', size: '2146435072', ro: '0', rm: '0', mountpoint: '/media/old' }],
    },
    { name: 'loop3', type: 'loop', size: '0', ro: '0', rm: '0', mountpoint: null },
  ],
});

describe('lsblk output of any version', () => {
  it('reads string flags, string sizes and single mountpoints (old lsblk)', () => {
    const loops = loopDevicesFromLsblk(OLD_LSBLK);
    expect(loops.map((loop) => [loop.path, loop.size, loop.readOnly, loop.mountpoints, loop.partitionTableType])).toEqual([
      ['/dev/loop0', 2147483648, false, [], null],
      ['/dev/loop1', 1073741824, true, ['/mnt/ro'], null],
      ['/dev/loop2', 2147483648, false, ['/media/old'], 'gpt'],
    ]);
  });

  it('accepts already-parsed JSON as well as text', () => {
    expect(loopDevicesFromLsblk(JSON.parse(OLD_LSBLK))).toEqual(loopDevicesFromLsblk(OLD_LSBLK));
  });

  it('drops null entries of 2.38 mountpoints arrays and merges them with mountpoint', () => {
    const [device] = parseLsblk({ blockdevices: [{ name: '/dev/sdx', size: 5, ro: true, rm: 1, mountpoint: '/a', mountpoints: [null, '/a', '/b'] }] });
    expect(device).toMatchObject({ path: '/dev/sdx', size: 5, readOnly: true, removable: true, hotplug: false, mountpoints: ['/a', '/b'] });
  });

  it('refuses output that is not lsblk JSON with a typed error', () => {
    expect(() => parseLsblk('lsblk: unknown column')).toThrow(expect.objectContaining({ code: 'LSBLK_OUTPUT_UNREADABLE', outcome: 'failed' }));
    expect(() => parseLsblk({ devices: [] })).toThrow(expect.objectContaining({ code: 'LSBLK_OUTPUT_UNREADABLE' }));
    expect(() => parseLsblk({ blockdevices: [{ size: 1 }] })).toThrow(/has no name/);
  });
});

describe('one lsblk snapshot', () => {
  it('lists real drives through drivelist and loops through our parser, with sysfs facts applied', () => {
    const stdout = readFileSync('test/fixtures/lsblk/loops-snap.json', 'utf8');
    const drives = drivesFromLsblk(stdout, { backingFiles: new Map([['/dev/loop4', '/srv/panorama/train-2g.img']]) });
    expect(drives.map((drive) => drive.path)).toEqual(['/dev/sda', '/dev/sdb', '/dev/loop0', '/dev/loop1', '/dev/loop2', '/dev/loop3', '/dev/loop4', '/dev/loop5', '/dev/loop6']);
    expect(drives.find((drive) => drive.path === '/dev/loop4')?.backingFile).toBe('/srv/panorama/train-2g.img');
    expect(drives.find((drive) => drive.path === '/dev/sdb')?.serial).toBe('E0D55EA573B7F580A8A20F0B');
  });
});

describe('sysfs facts', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'drives-sysfs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads loop backing files and MMC card types, and skips what is missing', async () => {
    const block = path.join(root, 'block');
    mkdirSync(path.join(block, 'loop3', 'loop'), { recursive: true });
    writeFileSync(path.join(block, 'loop3', 'loop', 'backing_file'), '/srv/x.img\n');
    mkdirSync(path.join(block, 'loop4'), { recursive: true });
    mkdirSync(path.join(block, 'mmcblk0', 'device'), { recursive: true });
    writeFileSync(path.join(block, 'mmcblk0', 'device', 'type'), 'SD\n');
    const facts = await readSysfsFacts(['/dev/loop3', '/dev/loop4', '/dev/mmcblk0', '/dev/sda'], block);
    expect([...(facts.backingFiles ?? [])]).toEqual([['/dev/loop3', '/srv/x.img']]);
    expect([...(facts.cardTypes ?? [])]).toEqual([['/dev/mmcblk0', 'SD']]);
  });

  it('finds the whole drive a partition belongs to', async () => {
    // /sys/class/block/NAME links into /sys/devices/…/PARENT/NAME for partitions.
    const devices = path.join(root, 'devices', 'sdb');
    mkdirSync(path.join(devices, 'sdb1'), { recursive: true });
    writeFileSync(path.join(devices, 'sdb1', 'partition'), '1\n');
    const classBlock = path.join(root, 'class-block');
    mkdirSync(classBlock);
    symlinkSync(devices, path.join(classBlock, 'sdb'));
    symlinkSync(path.join(devices, 'sdb1'), path.join(classBlock, 'sdb1'));
    expect(await partitionParent('/dev/sdb1', classBlock)).toBe('/dev/sdb');
    expect(await partitionParent('/dev/sdb', classBlock)).toBeNull();
    expect(await partitionParent('/dev/nothing', classBlock)).toBeNull();
  });
});

describe('sizes for people', () => {
  it('uses decimal units with one decimal, as drive labels do', () => {
    expect(formatSize(30752636928)).toBe('30.8 GB');
    expect(formatSize(2_000_398_934_016)).toBe('2.0 TB');
    expect(formatSize(77365248)).toBe('77.4 MB');
    expect(formatSize(2048)).toBe('2.0 kB');
    expect(formatSize(0)).toBe('0 bytes');
  });
});
