/**
 * Windows's drive access. A whole disk is \\.\PhysicalDriveN, opened only in an elevated session
 * (the desktop build asks for Administrator at launch; the command line says how to get it) and
 * written in whole sectors of its own size (Get-Disk's LogicalSectorSize): Windows refuses
 * anything else on a raw disk. Right before the first byte of a write that rewrites the layout
 * anyway, once the disk is shown to be the one chosen through the open handle, diskpart's `clean`
 * takes its volumes away from the file system (or a raw write fails with EPERM/EBUSY). A write
 * that keeps the drive's files would need its volume locked (FSCTL_LOCK_VOLUME), which needs
 * native code we do not have: not available yet, said so. Ejecting likewise: the person is told
 * to use "Safely Remove Hardware". Nothing of this has run on Windows yet (README: platforms).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlockTarget } from '../../disk';
import { refused } from '../../errors';
import type { CommandRunner, DriveAccess } from '../platform';
import { checkDiskBeforeClean, classifyDiskpartOutput, diskpartCleanScript, notElevated, parseGetDisk, physicalDriveNumber, windowsCommands, type WindowsDisk } from './disks';

export function windowsAccess(run: CommandRunner): DriveAccess {
  const requireElevated = async (): Promise<void> => {
    const [command, args] = windowsCommands.isElevated();
    if ((await run(command, args)).status !== 0) throw notElevated();
  };
  const listDisks = async (): Promise<WindowsDisk[]> => {
    const [command, args] = windowsCommands.getDisk();
    const listed = await run(command, args);
    if (listed.status !== 0) throw refused('DRIVE_ACCESS_FAILED', `Get-Disk did not answer (${listed.stderr.trim() || `exit status ${String(listed.status)}`}); nothing was written.`, 'Run `Get-Disk` in an Administrator PowerShell to see why.');
    return parseGetDisk(listed.stdout);
  };
  return {
    platform: 'win32',
    isDrivePath: (targetPath) => /^\\\\\.\\PhysicalDrive\d+$/i.test(targetPath),
    open: async (devicePath, options) => {
      const number = physicalDriveNumber(devicePath);
      await requireElevated();
      const disk = (await listDisks()).find((candidate) => candidate.number === number);
      if (disk === undefined) throw refused('TARGET_NOT_FOUND', `${devicePath} is not there.`, 'Plug the drive in, then run `panorama-usb drives` to find it.');
      if (options.access === 'write' && disk.isReadOnly) throw refused('TARGET_READ_ONLY', `${devicePath} is read-only.`, 'Slide the write-protect switch off (SD cards) or use another drive.');
      return BlockTarget.openRaw(devicePath, { access: options.access, size: disk.size, blockSize: disk.logicalSectorSize });
    },
    // A volume is taken away from Windows only with the whole layout (beforeFirstWrite's clean).
    unmount: () => Promise.resolve([]),
    beforeOpen: async (disk, plan) => {
      await requireElevated();
      if (!plan.replacesLayout) {
        throw refused(
          'NOT_AVAILABLE_YET',
          `On Windows, writing ${disk.path} while keeping its files is not available yet: its volume would have to be locked, which needs native code panorama-usb does not have. Nothing was written.`,
          'Write with formatting (the default: leave out --no-format), or use macOS or Linux for this drive.',
        );
      }
    },
    beforeFirstWrite: async (disk) => {
      const number = physicalDriveNumber(disk.path);
      checkDiskBeforeClean(await listDisks(), { number, size: disk.size, model: disk.model, serial: disk.serial });
      // diskpart reads its commands from a file (/s); the file names the disk and nothing secret.
      const dir = mkdtempSync(path.join(tmpdir(), 'panorama-usb-diskpart-'));
      try {
        const script = path.join(dir, 'clean.txt');
        writeFileSync(script, diskpartCleanScript(number));
        const [diskpart, diskpartArgs] = windowsCommands.diskpart(script);
        const result = await run(diskpart, diskpartArgs);
        const error = classifyDiskpartOutput(number, `${result.stdout}\n${result.stderr}`, result.status);
        if (error !== null) throw error;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    // Windows offers no eject without native code (CM_Request_Device_Eject): say so, do not pretend.
    release: () =>
      Promise.resolve({ attempted: false, ejected: false, detail: 'flushed; panorama-usb cannot eject drives on Windows yet: use "Safely Remove Hardware" in the system tray, or remove it once its light has stopped blinking' }),
  };
}
