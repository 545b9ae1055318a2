import path from 'node:path';
import type { Drive } from './types';

const DECIMAL_UNITS: readonly [number, string][] = [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];

/**
 * Decimal units, as drive makers print them on the label: a "32 GB" stick reads "30.8 GB".
 * `rounded`: as a label rounds it, whole units from ten up ("31 GB"), for names.
 */
export function formatSize(bytes: number, options: { rounded?: boolean } = {}): string {
  for (const [scale, unit] of DECIMAL_UNITS) {
    const value = bytes / scale;
    if (value >= 1) return `${value.toFixed(options.rounded === true && value >= 10 ? 0 : 1)} ${unit}`;
  }
  return `${bytes} bytes`;
}

// SCSI reports SATA disks' vendor as "ATA", and virtio as a PCI id: neither helps a person.
const MEANINGLESS_VENDOR = /^(ata|0x[0-9a-f]+)$/i;

/** "SanDisk Ultra" from vendor "SanDisk " and model "Ultra"; null when neither says anything. */
export function productName(vendor: string | null, model: string | null): string | null {
  const cleanVendor = vendor?.trim().replace(/[-_]+$/, '') ?? '';
  const cleanModel = model?.trim() ?? '';
  const usefulVendor = cleanVendor !== '' && !MEANINGLESS_VENDOR.test(cleanVendor) && !cleanModel.toLowerCase().startsWith(cleanVendor.toLowerCase());
  const name = [usefulVendor ? cleanVendor : '', cleanModel].filter((part) => part !== '').join(' ');
  return name === '' ? null : name;
}

/** The drive's name without the connection: "SanDisk Ultra", "loop device on /srv/x.img", "image file". */
export function driveName(drive: Drive): string {
  if (drive.kind === 'image') return 'image file';
  if (drive.kind === 'loop') return drive.description;
  return productName(drive.vendor, drive.model) ?? drive.description.replace(/\s+\([^()]*\)$/, '');
}

/** The last part of a path, whichever separator the platform uses: "sdb", "PhysicalDrive1", "old.img". */
function lastSegment(filePath: string): string {
  return filePath.split(/[\\/]/).filter((part) => part !== '').at(-1) ?? filePath;
}

/** What a drive of this kind is called when it has no product name. */
const KIND_NAMES: Readonly<Record<Drive['kind'], string>> = { usb: 'USB drive', card: 'SD card', internal: 'Internal disk', virtual: 'Virtual disk', unknown: 'Drive', loop: 'Loop device', image: 'Image file' };

/**
 * The one name every screen and prompt shows a person for a drive: "SanDisk Ultra 31 GB (sdb)"
 * for a real drive, the file name for an image file, "backing.img (loop3)" for a loop device.
 * The training world names its own drives ("Training drive 2") over this; the full path stays
 * wherever a record needs it (certificates, the audit log).
 */
export function displayNameOf(drive: Drive): string {
  const device = lastSegment(drive.path);
  if (drive.kind === 'image') return device;
  if (drive.kind === 'loop') return drive.backingFile === null ? `${device} (loop device)` : `${lastSegment(drive.backingFile)} (${device})`;
  const product = driveName(drive);
  const name = product === '' || product === device ? KIND_NAMES[drive.kind] : product;
  return `${name}${drive.size === null ? '' : ` ${formatSize(drive.size, { rounded: true })}`} (${device})`;
}

/** "NVMe" reads better than lsblk's "NVME"; everything else is shown as lsblk names it. */
export function busLabel(bus: string): string {
  return bus === 'NVME' ? 'NVMe' : bus;
}

export function baseName(filePath: string): string {
  return path.basename(filePath);
}
