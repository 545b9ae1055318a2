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

/** "NVMe" reads better than lsblk's "NVME"; everything else is shown as lsblk names it. */
export function busLabel(bus: string): string {
  return bus === 'NVME' ? 'NVMe' : bus;
}

export function baseName(filePath: string): string {
  return path.basename(filePath);
}
