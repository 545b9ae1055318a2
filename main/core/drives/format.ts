import path from 'node:path';
import type { Drive } from './types';

/** Decimal units, as drive makers print them on the label: a "32 GB" stick reads "30.8 GB". */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];
  for (const [scale, unit] of units) {
    if (bytes >= scale) return `${(bytes / scale).toFixed(1)} ${unit}`;
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

/** A size as a label rounds it: "31 GB" for 30.8 GB, "1.1 GB" below ten. */
function roundedSize(bytes: number): string {
  const units: [number, string][] = [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];
  for (const [scale, unit] of units) {
    if (bytes >= scale) return `${(bytes / scale).toFixed(bytes / scale >= 10 ? 0 : 1)} ${unit}`;
  }
  return `${bytes} bytes`;
}

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
  const product = productName(drive.vendor, drive.model) ?? drive.description.replace(/\s+\([^()]*\)$/, '');
  const name = product === '' || product === device ? KIND_NAMES[drive.kind] : product;
  return `${name}${drive.size === null ? '' : ` ${roundedSize(drive.size)}`} (${device})`;
}

/** "NVMe" reads better than lsblk's "NVME"; everything else is shown as lsblk names it. */
export function busLabel(bus: string): string {
  return bus === 'NVME' ? 'NVMe' : bus;
}

export function baseName(filePath: string): string {
  return path.basename(filePath);
}
