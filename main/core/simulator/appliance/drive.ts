/**
 * The appliance's view of the drive, read like the real one does: a FAT32 volume with exactly
 * one certificates-omni_*.zip at its root. Each way a technician gets this wrong has its own
 * problem code and the light pattern the appliance shows (fast red).
 */
import { BlockTarget, FatVolume, locateFatVolume, withVolume, type FatEntry } from '../../disk';
import { PanoramaUsbError } from '../../errors';

export interface DriveProblem {
  code: 'NOT_FAT32' | 'NO_ARCHIVE' | 'ARCHIVE_IN_FOLDER' | 'TWO_ARCHIVES' | 'DRIVE_UNREADABLE';
  message: string;
}

export type DriveReading = { ok: true; fileName: string; bytes: Buffer } | { ok: false; problem: DriveProblem };

const ARCHIVE = /^certificates-omni_.+\.zip$/i;

function findNested(volume: FatVolume): FatEntry | undefined {
  return volume.walk().find((entry) => !entry.isDirectory && ARCHIVE.test(entry.name) && entry.path.lastIndexOf('/') > 0);
}

export async function readDriveAsAppliance(drivePath: string): Promise<DriveReading> {
  let target: BlockTarget;
  try {
    target = await BlockTarget.open(drivePath, { access: 'read' });
  } catch (error) {
    return { ok: false, problem: { code: 'DRIVE_UNREADABLE', message: error instanceof Error ? error.message : String(error) } };
  }
  try {
    let volume: FatVolume;
    try {
      volume = await FatVolume.mount(target, locateFatVolume(target));
    } catch (error) {
      if (error instanceof PanoramaUsbError && error.code === 'NOT_FAT') return { ok: false, problem: { code: 'NOT_FAT32', message: 'The USB drive is not formatted FAT32.' } };
      throw error;
    }
    try {
      if (volume.info().fatType !== 'FAT32') return { ok: false, problem: { code: 'NOT_FAT32', message: `The USB drive is formatted ${volume.info().fatType}, not FAT32.` } };
      const archives = volume.list('/').filter((entry) => !entry.isDirectory && ARCHIVE.test(entry.name));
      if (archives.length > 1) return { ok: false, problem: { code: 'TWO_ARCHIVES', message: `The drive holds ${archives.length} configuration archives at its root (${archives.map((entry) => entry.name).join(', ')}); it must hold exactly one.` } };
      const [archive] = archives;
      if (archive === undefined) {
        const nested = findNested(volume);
        return nested === undefined
          ? { ok: false, problem: { code: 'NO_ARCHIVE', message: 'No configuration archive (certificates-omni_*.zip) on the drive.' } }
          : { ok: false, problem: { code: 'ARCHIVE_IN_FOLDER', message: `The configuration archive is in a folder (${nested.path}); it must be at the root of the drive.` } };
      }
      return { ok: true, fileName: archive.name, bytes: volume.readFile(archive.path) };
    } finally {
      volume.close();
    }
  } finally {
    target.close();
  }
}

export type DrivePreparation = 'none' | 'remove-archive' | 'move-archive-into-folder' | 'duplicate-archive' | 'wipe-filesystem';

/**
 * Training scenarios reproduce a technician's mistakes on the (virtual) drive before the
 * appliance reads it: the appliance's detection of them is then the real one.
 */
export async function prepareDrive(drivePath: string, preparation: DrivePreparation): Promise<void> {
  if (preparation === 'none') return;
  if (preparation === 'wipe-filesystem') {
    const target = await BlockTarget.open(drivePath, { access: 'write' });
    try {
      const window = locateFatVolume(target);
      // Overwriting the boot sector and FATs leaves a volume no FAT reader accepts (like exFAT or NTFS would be).
      target.writeSync(Buffer.alloc(1024 * 1024), 0, 1024 * 1024, window.startLba * 512);
      await target.flush();
    } finally {
      target.close();
    }
    return;
  }
  await withVolume(drivePath, { access: 'write' }, (volume) => {
    const archive = volume.list('/').find((entry) => !entry.isDirectory && ARCHIVE.test(entry.name));
    if (archive === undefined) return;
    if (preparation === 'remove-archive') {
      volume.remove(archive.path);
    } else if (preparation === 'move-archive-into-folder') {
      const bytes = volume.readFile(archive.path);
      if (!volume.exists('/certificates')) volume.mkdir('/certificates');
      volume.writeFile(`/certificates/${archive.name}`, bytes);
      bytes.fill(0);
      volume.remove(archive.path);
    } else {
      const bytes = volume.readFile(archive.path);
      volume.writeFile('/certificates-omni_previous-device.zip', bytes);
      bytes.fill(0);
    }
  });
}
