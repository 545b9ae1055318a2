/**
 * Linux: which physical medium is behind a block device number, from sysfs. A partition leads to
 * its whole disk; device-mapper and md devices (LVM, LUKS, RAID) lead to the disks under them;
 * a loop device leads to the disk holding its backing file. The sysfs root is a parameter so
 * tests can point it at a fake tree.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { readSysfsAttribute } from '../../drives';

export type Medium = 'rotational' | 'flash' | 'virtual' | 'memory' | 'network' | 'unknown';

export interface MediumFacts {
  medium: Medium;
  disk: string | null;
  detail: string | null;
}

const UNKNOWN: MediumFacts = { medium: 'unknown', disk: null, detail: null };
const MAX_DEPTH = 4;
/** SCSI vendors of hypervisors' emulated disks. */
const VIRTUAL_VENDORS = /^(QEMU|VMware|VBOX|Msft|Xen|Red Hat|0x1af4)/i;

/** Linux dev_t to major and minor numbers (glibc's gnu_dev_major / gnu_dev_minor). */
export function linuxMajorMinor(dev: bigint): { major: number; minor: number } {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

function linuxMajorMinorOf(dev: bigint): string {
  const { major, minor } = linuxMajorMinor(dev);
  return `${major}:${minor}`;
}

/** Worst of several media under one device: anything that cannot be guaranteed wins over a spinning disk. */
function combine(parts: readonly MediumFacts[], disk: string): MediumFacts {
  for (const medium of ['flash', 'virtual', 'unknown', 'memory'] as const) {
    const hit = parts.find((part) => part.medium === medium);
    if (hit !== undefined) return { medium, disk, detail: `on ${hit.disk ?? 'an unknown disk'}${hit.detail === null ? '' : `, ${hit.detail}`}` };
  }
  return parts.length > 0 ? { medium: 'rotational', disk, detail: `on ${parts.map((part) => part.disk ?? '?').join(' + ')}, rotational` } : UNKNOWN;
}

async function mediumOfDisk(diskDir: string, sysRoot: string, depth: number): Promise<MediumFacts> {
  const name = path.basename(diskDir);
  if (/^(zram|ram)\d+$/.test(name)) return { medium: 'memory', disk: name, detail: 'RAM disk' };
  if (/^loop\d+$/.test(name)) {
    const backing = await readSysfsAttribute(path.join(diskDir, 'loop', 'backing_file'));
    if (backing === null || depth >= MAX_DEPTH) return { medium: 'unknown', disk: name, detail: 'loop device' };
    const stats = await stat(backing, { bigint: true }).catch(() => null);
    if (stats === null) return { medium: 'unknown', disk: name, detail: 'loop device' };
    const under = await mediumForMajorMinor(linuxMajorMinorOf(stats.dev), sysRoot, depth + 1);
    return { ...under, detail: `loop device over ${under.disk ?? 'an unknown disk'}${under.detail === null ? '' : `, ${under.detail}`}`, disk: name };
  }
  const slaves = await readdir(path.join(diskDir, 'slaves')).catch(() => [] as string[]);
  if (slaves.length > 0 && depth < MAX_DEPTH) {
    const parts = await Promise.all(
      slaves.map(async (slave) => {
        const dev = await readSysfsAttribute(path.join(diskDir, 'slaves', slave, 'dev'));
        return dev === null ? UNKNOWN : mediumForMajorMinor(dev, sysRoot, depth + 1);
      }),
    );
    return combine(parts, name);
  }
  const real = await realpath(diskDir).catch(() => diskDir);
  const vendor = await readSysfsAttribute(path.join(diskDir, 'device', 'vendor'));
  if (/^(vd|xvd)[a-z]+$/.test(name) || /\/virtio\d+\//.test(real) || /\/vmbus|\/VMBUS:/i.test(real) || (vendor !== null && VIRTUAL_VENDORS.test(vendor))) {
    return { medium: 'virtual', disk: name, detail: vendor === null || vendor.startsWith('0x') ? 'virtio' : vendor };
  }
  if (/^mmcblk\d+$/.test(name) || /\/mmc_host\//.test(real)) return { medium: 'flash', disk: name, detail: 'SD/MMC card' };
  const rotational = await readSysfsAttribute(path.join(diskDir, 'queue', 'rotational'));
  if (/\/usb\d*\//.test(real)) {
    // USB bridges often report rotational = 1 for sticks; a removable USB disk is a flash stick.
    const removable = await readSysfsAttribute(path.join(diskDir, 'removable'));
    if (removable === '1' || rotational === '0') return { medium: 'flash', disk: name, detail: 'USB flash' };
    return { medium: 'unknown', disk: name, detail: 'USB disk; its bridge does not say whether it is flash' };
  }
  if (rotational === '0') return { medium: 'flash', disk: name, detail: /^nvme/.test(name) ? 'NVMe SSD' : 'non-rotational' };
  if (rotational === '1') return { medium: 'rotational', disk: name, detail: 'rotational' };
  return { medium: 'unknown', disk: name, detail: null };
}

async function mediumForMajorMinor(majorMinor: string, sysRoot: string, depth: number): Promise<MediumFacts> {
  const link = path.join(sysRoot, 'dev', 'block', majorMinor);
  let deviceDir: string;
  try {
    deviceDir = await realpath(link);
  } catch {
    return UNKNOWN;
  }
  // A partition's folder sits inside its disk's folder and has a "partition" attribute.
  const isPartition = (await readSysfsAttribute(path.join(deviceDir, 'partition'))) !== null;
  return mediumOfDisk(isPartition ? path.dirname(deviceDir) : deviceDir, sysRoot, depth);
}

/** The medium behind a Linux block device number (a file's st_dev). */
export function diskMediumForDevice(major: number, minor: number, sysRoot = '/sys'): Promise<MediumFacts> {
  if (major === 0) return Promise.resolve(UNKNOWN);
  return mediumForMajorMinor(`${major}:${minor}`, sysRoot, 0);
}
