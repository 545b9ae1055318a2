import { execFile } from 'node:child_process';
import { constants, type Stats } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { promisify } from 'node:util';
import { list as drivelistList } from 'drivelist';
import { errnoCode, failed, refused } from '../errors';
import { parseLsblk } from './lsblk';
import { drivesFromLsblk, fromDrivelist } from './normalize';
import { partitionParent, readSysfsFacts } from './sysfs';
import type { Drive } from './types';

const execFileAsync = promisify(execFile);

// The same columns drivelist asks for, so its parser reads exactly what it expects.
const LSBLK_ARGS = ['--bytes', '--all', '--json', '--paths', '--output-all'];

async function runLsblk(): Promise<string> {
  try {
    const { stdout } = await execFileAsync('lsblk', LSBLK_ARGS, { maxBuffer: 32 * 1024 * 1024, timeout: 30_000 });
    return stdout;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw failed('DRIVE_LIST_FAILED', `Could not list the drives: lsblk failed (${detail}).`, 'Check that util-linux (lsblk) is installed, then try again.', error);
  }
}

/**
 * One lsblk run feeds both drivelist's parser and ours, so real drives and loop devices come
 * from the same moment (two runs could disagree about a drive plugged in between them).
 */
async function listLinuxDrives(): Promise<Drive[]> {
  const stdout = await runLsblk();
  const facts = await readSysfsFacts(parseLsblk(stdout).map((device) => device.path));
  return drivesFromLsblk(stdout, facts);
}

async function listOtherDrives(): Promise<Drive[]> {
  try {
    return (await drivelistList()).map((d) => fromDrivelist(d));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw failed('DRIVE_LIST_FAILED', `Could not list the drives (${detail}).`, 'Try again; if it keeps failing, run with --verbose and report the problem.', error);
  }
}

/** Real drives, attached loop devices (Linux) and the image files given, as one list. */
export async function listDrives(options: { images?: readonly string[] } = {}): Promise<Drive[]> {
  const drives = process.platform === 'linux' ? await listLinuxDrives() : await listOtherDrives();
  const images = await Promise.all((options.images ?? []).map((image) => describeImage(image)));
  return [...drives, ...images];
}

async function statTarget(absolute: string, given: string): Promise<Stats> {
  try {
    return await stat(absolute);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw refused('TARGET_NOT_FOUND', `${given} does not exist.`, 'Check the path: give a drive such as /dev/sdb (see the drive list) or an existing image file.');
    }
    throw refused('TARGET_NOT_ACCESSIBLE', `${given} cannot be examined (${code ?? 'unknown error'}).`, 'Check its permissions, or run with administrator rights (sudo) for real drives.');
  }
}

function whatItIs(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isFIFO()) return 'a named pipe';
  return 'not a regular file';
}

function notADriveOrImage(given: string, stats: Stats): Error {
  return refused('NOT_A_DRIVE_OR_IMAGE', `${given} is ${whatItIs(stats)}, not a drive or an image file.`, 'Give a whole drive such as /dev/sdb (see the drive list) or the path of an image file (create one with: truncate -s 2G training.img).');
}

/** An image file as a drive: a virtual drive for training and tests, written by the same code as a real one. */
export async function describeImage(file: string): Promise<Drive> {
  const absolute = path.resolve(file);
  const stats = await statTarget(absolute, file);
  if (!stats.isFile()) throw notADriveOrImage(file, stats);
  const writable = await access(absolute, constants.W_OK).then(
    () => true,
    () => false,
  );
  return {
    path: absolute,
    kind: 'image',
    description: `image file ${path.basename(absolute)}`,
    size: stats.size,
    vendor: null,
    model: null,
    serial: null,
    bus: null,
    removable: true,
    readOnly: !writable,
    system: false,
    virtual: true,
    mountpoints: [],
    partitionTableType: null,
    backingFile: null,
  };
}

async function findListedDrive(absolute: string, given: string): Promise<Drive> {
  const real = await realpath(absolute).catch(() => absolute);
  const drives = await listDrives();
  const listed = drives.find((drive) => drive.path === absolute || drive.path === real);
  if (listed !== undefined) return listed;
  const parent = process.platform === 'linux' ? await partitionParent(real) : null;
  if (parent !== null) {
    throw refused('NOT_A_WHOLE_DRIVE', `${given} is a partition of ${parent}, not a whole drive.`, `Give the whole drive, ${parent}: panorama-usb writes the partition table itself.`);
  }
  throw refused(
    'NOT_A_WHOLE_DRIVE',
    `${given} is a block device that is not listed as a drive (a partition or volume, a loop device with no file attached, an optical drive or a RAM disk).`,
    'Give a whole drive from the drive list, or an image file (attach one as a loop device with: losetup -f --show FILE).',
  );
}

/**
 * The CLI's TARGET: an image file, or a block device that is a whole drive in the drive list.
 * Symbolic links such as /dev/disk/by-id/… resolve to the drive they point to.
 */
export async function resolveTarget(target: string): Promise<Drive> {
  if (process.platform === 'win32') {
    // \\.\PhysicalDriveN cannot be stat()ed: match it against the list first.
    const listed = (await listDrives()).find((drive) => drive.path.toLowerCase() === target.toLowerCase());
    if (listed !== undefined) return listed;
  }
  const absolute = path.resolve(target);
  const stats = await statTarget(absolute, target);
  if (stats.isFile()) return describeImage(absolute);
  if (stats.isBlockDevice()) return findListedDrive(absolute, target);
  throw notADriveOrImage(target, stats);
}
