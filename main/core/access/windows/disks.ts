/**
 * Windows's side of drive access, as data and command lines. A raw write to \\.\PhysicalDriveN
 * fails (EPERM/EBUSY: Etcher's most common complaint) while the file system still holds the
 * disk's volumes; the documented way to take them away is diskpart's `clean`, which also empties
 * the partition table — right before a write that formats the drive, or a sanitize, which rewrite
 * it anyway. diskpart rather than the Storage cmdlets (Clear-Disk): it is on every Windows since
 * XP, in every edition, and answers in a stable text that etcher-sdk has relied on for years;
 * Clear-Disk needs the Storage module, which some Server Core and LTSC images leave out.
 * The disk is named by its number, taken from drivelist's \\.\PhysicalDriveN and checked again
 * (size, model, serial from `Get-Disk | ConvertTo-Json`) right before anything destructive.
 * Nothing here runs a command (adapter.ts does); it is tested against composed outputs
 * (test/fixtures/windows).
 */
import { refused, type PanoramaUsbError } from '../../errors';

/** What `Get-Disk | ConvertTo-Json` says about one disk. */
export interface WindowsDisk {
  number: number;
  model: string | null;
  serial: string | null;
  size: number;
  /** The unit raw I/O on \\.\PhysicalDriveN must be aligned to (512 when not said). */
  logicalSectorSize: number;
  /** USB, SD, SATA, NVMe… (MSFT_Disk's BusType, named). */
  bus: string | null;
  isBoot: boolean;
  isSystem: boolean;
  isOffline: boolean;
  isReadOnly: boolean;
}

/** MSFT_Disk.BusType (ConvertTo-Json writes the number). */
const BUS_TYPES: Readonly<Record<number, string>> = { 1: 'SCSI', 2: 'ATAPI', 3: 'ATA', 4: '1394', 5: 'SSA', 6: 'Fibre Channel', 7: 'USB', 8: 'RAID', 9: 'iSCSI', 10: 'SAS', 11: 'SATA', 12: 'SD', 13: 'MMC', 14: 'Virtual', 15: 'File Backed Virtual', 16: 'Storage Spaces', 17: 'NVMe' };

/** \\.\PhysicalDrive3 → 3. */
export function physicalDriveNumber(devicePath: string): number {
  const match = /^\\\\\.\\PhysicalDrive(\d+)$/i.exec(devicePath);
  if (match?.[1] === undefined) throw refused('NOT_A_WHOLE_DISK', `${devicePath} is not a whole disk (\\\\.\\PhysicalDriveN).`, 'Give the disk as `panorama-usb drives` lists it, e.g. \\\\.\\PhysicalDrive2.');
  return Number(match[1]);
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** `Get-Disk | ConvertTo-Json`: one disk is an object, several an array. */
export function parseGetDisk(json: string): WindowsDisk[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw refused('UNEXPECTED_OUTPUT', 'Get-Disk gave output that is not JSON.', 'Run `Get-Disk | ConvertTo-Json` in PowerShell to see what it says; report it if it persists.');
  }
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const disk = item as Record<string, unknown>;
    if (typeof disk['Number'] !== 'number') return [];
    const bus = disk['BusType'];
    return [
      {
        number: disk['Number'],
        model: text(disk['FriendlyName']) ?? text(disk['Model']),
        serial: text(disk['SerialNumber']),
        size: typeof disk['Size'] === 'number' ? disk['Size'] : 0,
        logicalSectorSize: typeof disk['LogicalSectorSize'] === 'number' && disk['LogicalSectorSize'] > 0 ? disk['LogicalSectorSize'] : 512,
        bus: typeof bus === 'number' ? (BUS_TYPES[bus] ?? null) : text(bus),
        isBoot: disk['IsBoot'] === true,
        isSystem: disk['IsSystem'] === true,
        isOffline: disk['IsOffline'] === true,
        isReadOnly: disk['IsReadOnly'] === true,
      },
    ];
  });
}

/**
 * The disk about to be cleaned must still be the one chosen (same number, size, model and serial
 * where known) and never the system's: otherwise DRIVE_CHANGED / SYSTEM_DRIVE, nothing done.
 */
export function checkDiskBeforeClean(disks: readonly WindowsDisk[], chosen: { number: number; size: number | null; model: string | null; serial: string | null }): WindowsDisk {
  const disk = disks.find((candidate) => candidate.number === chosen.number);
  const name = `\\\\.\\PhysicalDrive${chosen.number}`;
  if (disk === undefined) throw refused('DRIVE_CHANGED', `${name} is no longer there; nothing was written.`, 'Plug the drive in again, then choose it again.');
  if (disk.isBoot || disk.isSystem) throw refused('SYSTEM_DRIVE', `${name} is a system disk (Windows boots or runs from it): it is never written.`, 'Choose the USB drive instead: run `panorama-usb drives`.');
  const differs = [
    chosen.size !== null && disk.size !== chosen.size ? `size ${disk.size} instead of ${chosen.size}` : null,
    chosen.model !== null && disk.model !== null && disk.model !== chosen.model ? `model ${disk.model} instead of ${chosen.model}` : null,
    chosen.serial !== null && disk.serial !== null && disk.serial !== chosen.serial ? 'another serial number' : null,
  ].filter((difference): difference is string => difference !== null);
  if (differs.length > 0) throw refused('DRIVE_CHANGED', `${name} is not the drive chosen any more (${differs.join(', ')}); nothing was written.`, 'Choose the drive again.');
  if (disk.isReadOnly) throw refused('TARGET_READ_ONLY', `${name} is read-only.`, 'Slide the write-protect switch off (SD cards) or use another drive.');
  return disk;
}

/** The diskpart script that takes a disk's volumes from the file system (and empties its partition table). */
export function diskpartCleanScript(diskNumber: number): string {
  if (!Number.isInteger(diskNumber) || diskNumber < 0) throw refused('NOT_A_WHOLE_DISK', `${diskNumber} is not a disk number.`);
  return [`select disk ${diskNumber}`, 'clean', 'rescan', 'exit', ''].join('\r\n');
}

/** The commands, as argument lists for execFile (never a shell); the script goes to diskpart's /s file. */
export const windowsCommands = {
  getDisk: (): [string, string[]] => ['powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', 'Get-Disk | ConvertTo-Json -Depth 2']],
  diskpart: (scriptFile: string): [string, string[]] => ['diskpart.exe', ['/s', scriptFile]],
  /** Exit status 0 only in an elevated session (net session needs Administrator). */
  isElevated: (): [string, string[]] => ['net.exe', ['session']],
};

/** What diskpart answered: null when the disk was cleaned, else the error. */
export function classifyDiskpartOutput(diskNumber: number, output: string, status: number | null): PanoramaUsbError | null {
  const said = output.replace(/\r/g, '');
  const name = `\\\\.\\PhysicalDrive${diskNumber}`;
  if (/DiskPart succeeded in cleaning the disk/i.test(said) && status === 0) return null;
  if (/access is denied|requires elevation|administrator/i.test(said)) return notElevated();
  if (/write[- ]protected/i.test(said)) return refused('TARGET_READ_ONLY', `${name} is write-protected (diskpart: the media is write protected); nothing was written.`, 'Slide the write-protect switch off (SD cards) or use another drive.');
  if (/not valid|no disk selected|there is no disk|could not be found/i.test(said)) return refused('DRIVE_CHANGED', `${name} is no longer there (diskpart could not select it); nothing was written.`, 'Plug the drive in again, then choose it again.');
  if (/in use|being used|device is busy/i.test(said)) return refused('DRIVE_BUSY', `${name} is in use by another program; nothing was written.`, 'Close the programs and Explorer windows using the drive, then try again.');
  const lastLine = said.trim().split('\n').filter((line) => line.trim() !== '').at(-1)?.trim() ?? '';
  return refused('DRIVE_ACCESS_FAILED', `diskpart could not clean ${name}${lastLine === '' ? '' : `: ${lastLine}`}; the drive may be unchanged.`, 'Run diskpart in an Administrator terminal (select disk, clean) to see why.');
}

/** The CLI on Windows, not elevated: it says so, and how to run it. */
export function notElevated(): PanoramaUsbError {
  return refused('PERMISSION_DENIED', 'Writing a whole drive on Windows needs Administrator rights, and this is not an elevated session.', 'Run the command from an Administrator terminal (right-click Terminal → Run as administrator); the desktop app asks for it when it starts.');
}
