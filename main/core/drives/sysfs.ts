import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { SysfsFacts } from './normalize';

/** Reads one sysfs attribute; null when the attribute does not exist, is empty or cannot be read. */
export async function readSysfsAttribute(file: string): Promise<string | null> {
  try {
    const value = (await readFile(file, 'utf8')).trim();
    return value === '' ? null : value;
  } catch {
    return null;
  }
}

/**
 * The sysfs facts lsblk does not print: each loop device's backing file and each MMC device's
 * card type. sysBlock is a parameter so tests can point it at a fake tree.
 */
export async function readSysfsFacts(devicePaths: readonly string[], sysBlock = '/sys/block'): Promise<SysfsFacts> {
  const backingFiles = new Map<string, string>();
  const cardTypes = new Map<string, string>();
  await Promise.all(
    devicePaths.map(async (devicePath) => {
      const name = path.basename(devicePath);
      if (/^loop\d+$/.test(name)) {
        const backingFile = await readSysfsAttribute(path.join(sysBlock, name, 'loop', 'backing_file'));
        if (backingFile !== null) backingFiles.set(devicePath, backingFile);
      } else if (/^mmcblk\d+$/.test(name)) {
        const cardType = await readSysfsAttribute(path.join(sysBlock, name, 'device', 'type'));
        if (cardType !== null) cardTypes.set(devicePath, cardType);
      }
    }),
  );
  return { backingFiles, cardTypes };
}

/**
 * For a partition such as /dev/sdb1, the whole drive it belongs to (/dev/sdb); null for anything
 * that is not a partition. Linux only: /sys/class/block/NAME is a link into the parent's folder.
 */
export async function partitionParent(devicePath: string, sysClassBlock = '/sys/class/block'): Promise<string | null> {
  const name = path.basename(devicePath);
  if ((await readSysfsAttribute(path.join(sysClassBlock, name, 'partition'))) === null) return null;
  try {
    const resolved = await realpath(path.join(sysClassBlock, name));
    return path.posix.join('/dev', path.basename(path.dirname(resolved)));
  } catch {
    return null;
  }
}
