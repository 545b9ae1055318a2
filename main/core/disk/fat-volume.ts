/**
 * A FAT volume inside a block target, read and written through FatFs without ever mounting it
 * in the operating system. One FatFs (WebAssembly) instance per open volume; its memory is
 * wiped when the volume is closed, because file contents (an archive's key) pass through it.
 */
import type { FatFs } from 'js-fatfs';
import { failed, refused, type PanoramaUsbError } from '../errors';
import { SECTOR_SIZE, type BlockTarget } from './block-target';
import { FAT_COUNT, ROOT_ENTRIES } from './fat-layout';
import { loadFatFs, TargetDiskIO, type FatFsModule, type VolumeWindow } from './fatfs-disk';

export interface FatEntry {
  /** Absolute path inside the volume, with forward slashes: "/panorama/occ.log". */
  path: string;
  name: string;
  /** The 8.3 alias FatFs keeps beside a long name ("CERTIF~1.ZIP"). */
  shortName: string;
  size: number;
  isDirectory: boolean;
  modified: Date | null;
}

export type FatType = 'FAT12' | 'FAT16' | 'FAT32';

export interface VolumeInfo {
  fatType: FatType;
  label: string | null;
  clusterBytes: number;
  totalBytes: number;
  freeBytes: number;
  window: VolumeWindow;
}

const CHUNK = 1024 * 1024;

function fatDate(date: number, time: number): Date | null {
  if (date === 0) return null;
  return new Date(1980 + (date >> 9), ((date >> 5) & 0x0f) - 1, date & 0x1f, time >> 11, (time >> 5) & 0x3f, (time & 0x1f) * 2);
}

function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export class FatVolume {
  private closed = false;

  private constructor(
    private readonly F: FatFsModule,
    private readonly ff: FatFs,
    private readonly disk: TargetDiskIO,
    private readonly fsPointer: number,
    readonly target: BlockTarget,
    readonly window: VolumeWindow,
  ) {}

  /** Mounts the FAT volume found in `window`; refuses with NOT_FAT when there is none. */
  static async mount(target: BlockTarget, window: VolumeWindow): Promise<FatVolume> {
    const F = await loadFatFs();
    const disk = new TargetDiskIO(F, target, window);
    const ff = await F.create({ diskio: disk, codepage: 437 });
    const fsPointer = ff.malloc(F.sizeof_FATFS);
    const volume = new FatVolume(F, ff, disk, fsPointer, target, window);
    const result = ff.f_mount(fsPointer, '', 1);
    if (result !== F.FR_OK) {
      volume.wipe();
      if (result === F.FR_NO_FILESYSTEM) {
        throw refused('NOT_FAT', `${target.path} holds no FAT volume where one was expected.`, 'Format it with `panorama-usb format` (this erases it).');
      }
      throw volume.toError(result, 'mount the volume');
    }
    return volume;
  }

  /**
   * Creates a fresh FAT volume in `window` as planned (fat-layout.ts); the caller writes the
   * partition table. The volume FatFs made is checked against the plan: a FatFs that counted
   * clusters differently must not leave a volume of another FAT type than the one asked for.
   */
  static async format(target: BlockTarget, window: VolumeWindow, layout: { fatType: FatType; clusterBytes: number }): Promise<void> {
    const F = await loadFatFs();
    const disk = new TargetDiskIO(F, target, window);
    const ff = await F.create({ diskio: disk, codepage: 437 });
    const workBytes = CHUNK;
    const work = ff.malloc(workBytes);
    try {
      // FM_SFD: FatFs must not write a partition table of its own; ours is already there.
      const fmt = (layout.fatType === 'FAT32' ? F.FM_FAT32 : F.FM_FAT) | F.FM_SFD;
      const result = ff.f_mkfs('', { fmt, n_fat: FAT_COUNT, align: 0, n_root: layout.fatType === 'FAT32' ? 0 : ROOT_ENTRIES, au_size: layout.clusterBytes }, work, workBytes);
      if (result === F.FR_MKFS_ABORTED) {
        throw refused('TARGET_TOO_SMALL', `${target.path} is too small for a ${layout.fatType} volume with ${layout.clusterBytes}-byte clusters.`, 'Use a larger drive.');
      }
      if (result !== F.FR_OK) {
        const diskFailure = result === F.FR_DISK_ERR ? disk.failure() : null;
        if (diskFailure !== null) throw diskFailure;
        throw failed('FORMAT_FAILED', `FatFs could not create the ${layout.fatType} volume on ${target.path} (FRESULT ${result}).`, 'Try again; if it persists, the drive may be failing.');
      }
      const boot = Buffer.alloc(SECTOR_SIZE);
      target.readSync(boot, 0, SECTOR_SIZE, window.startLba * SECTOR_SIZE);
      const made = fatTypeOf(boot);
      if (made !== layout.fatType) {
        throw failed('FORMAT_FAILED', `FatFs made a ${made} volume on ${target.path} where a ${layout.fatType} one was planned.`, 'Report this as a bug: the FAT layout plan no longer matches FatFs.');
      }
    } finally {
      ff.HEAPU8.fill(0);
    }
  }

  private toError(result: number, action: string): PanoramaUsbError {
    const F = this.F;
    const diskFailure = result === F.FR_DISK_ERR ? this.disk.failure() : null;
    if (diskFailure !== null) return diskFailure;
    switch (result) {
      case F.FR_NO_FILE:
      case F.FR_NO_PATH:
        return refused('FILE_NOT_FOUND', `Could not ${action}: no such file or folder on ${this.target.path}.`, 'Run `panorama-usb files` to see what is on the drive.');
      case F.FR_EXIST:
        return refused('FILE_EXISTS', `Could not ${action}: it already exists on ${this.target.path}.`);
      case F.FR_INVALID_NAME:
        return refused('INVALID_FILE_NAME', `Could not ${action}: the name is not valid on a FAT volume.`, 'Use a name without : * ? " < > | and at most 255 characters.');
      case F.FR_DENIED:
        return failed('VOLUME_FULL', `Could not ${action}: the volume on ${this.target.path} is full, or the item is read-only.`, 'Free space on the drive or use a larger one.');
      case F.FR_WRITE_PROTECTED:
        return refused('TARGET_READ_ONLY', `Could not ${action}: ${this.target.path} is read-only.`);
      case F.FR_NO_FILESYSTEM:
        return refused('NOT_FAT', `${this.target.path} holds no FAT volume.`, 'Format it with `panorama-usb format` (this erases it).');
      default:
        return failed('FAT_ERROR', `Could not ${action} on ${this.target.path} (FatFs result ${result}).`, 'Check the volume with fsck.fat or format the drive again.');
    }
  }

  private check(result: number, action: string): void {
    if (result !== this.F.FR_OK) throw this.toError(result, action);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('the volume is closed');
  }

  /** Entries of one folder (FatFs hides the volume-label entry and "." / ".."). */
  list(dir = '/'): FatEntry[] {
    this.ensureOpen();
    const { F, ff } = this;
    const dp = ff.malloc(F.sizeof_DIR);
    const fno = ff.malloc(F.sizeof_FILINFO);
    try {
      this.check(ff.f_opendir(dp, dir), `list ${dir}`);
      const entries: FatEntry[] = [];
      for (;;) {
        this.check(ff.f_readdir(dp, fno), `list ${dir}`);
        const name = ff.FILINFO_fname(fno);
        if (name === '') break;
        entries.push({
          path: joinPath(dir, name),
          name,
          shortName: ff.FILINFO_altname(fno) || name,
          size: ff.FILINFO_fsize(fno) >>> 0,
          isDirectory: (ff.FILINFO_fattrib(fno) & F.AM_DIR) !== 0,
          modified: fatDate(ff.FILINFO_fdate(fno), ff.FILINFO_ftime(fno)),
        });
      }
      this.check(ff.f_closedir(dp), `list ${dir}`);
      return entries;
    } finally {
      ff.free(fno);
      ff.free(dp);
    }
  }

  /** Every file and folder on the volume, depth first. */
  walk(dir = '/'): FatEntry[] {
    const result: FatEntry[] = [];
    for (const entry of this.list(dir)) {
      result.push(entry);
      if (entry.isDirectory) result.push(...this.walk(entry.path));
    }
    return result;
  }

  exists(filePath: string): boolean {
    this.ensureOpen();
    const fno = this.ff.malloc(this.F.sizeof_FILINFO);
    try {
      const result = this.ff.f_stat(filePath, fno);
      if (result === this.F.FR_NO_FILE || result === this.F.FR_NO_PATH) return false;
      this.check(result, `look up ${filePath}`);
      return true;
    } finally {
      this.ff.free(fno);
    }
  }

  /** Reads a whole file. The bytes also pass through FatFs's memory, which close() wipes. */
  readFile(filePath: string): Buffer {
    return this.withFileBuffers((fp, counter, chunk) => {
      const { F, ff } = this;
      this.check(ff.f_open(fp, filePath, F.FA_READ), `open ${filePath}`);
      const size = ff.f_size(fp) >>> 0;
      const out = Buffer.alloc(size);
      let offset = 0;
      while (offset < size) {
        this.check(ff.f_read(fp, chunk, Math.min(CHUNK, size - offset), counter), `read ${filePath}`);
        const n = ff.getValue(counter, 'i32');
        if (n <= 0) throw failed('FAT_ERROR', `${filePath} on ${this.target.path} ended early: the volume is damaged.`, 'Check it with fsck.fat or format the drive again.');
        out.set(ff.HEAPU8.subarray(chunk, chunk + n), offset);
        offset += n;
      }
      this.check(ff.f_close(fp), `close ${filePath}`);
      return out;
    });
  }

  /** Creates or replaces a file with exactly these bytes, then syncs it to the drive. */
  writeFile(filePath: string, data: Uint8Array): void {
    this.withFileBuffers((fp, counter, chunk) => {
      const { F, ff } = this;
      this.check(ff.f_open(fp, filePath, F.FA_WRITE | F.FA_CREATE_ALWAYS), `create ${filePath}`);
      for (let offset = 0; offset < data.length; offset += CHUNK) {
        const part = data.subarray(offset, offset + CHUNK);
        ff.HEAPU8.set(part, chunk);
        this.check(ff.f_write(fp, chunk, part.length, counter), `write ${filePath}`);
        if (ff.getValue(counter, 'i32') !== part.length) {
          ff.f_close(fp);
          throw failed('VOLUME_FULL', `The volume on ${this.target.path} is full: ${filePath} could not be written completely.`, 'Free space on the drive or use a larger one.');
        }
      }
      this.check(ff.f_close(fp), `close ${filePath}`);
    });
  }

  /** A file object, a byte counter and a transfer buffer in FatFs's memory; the buffer is zeroed after use. */
  private withFileBuffers<T>(work: (fp: number, counter: number, chunk: number) => T): T {
    this.ensureOpen();
    const { F, ff } = this;
    const fp = ff.malloc(F.sizeof_FIL);
    const counter = ff.malloc(4);
    const chunk = ff.malloc(CHUNK);
    try {
      return work(fp, counter, chunk);
    } finally {
      ff.HEAPU8.fill(0, chunk, chunk + CHUNK);
      ff.free(chunk);
      ff.free(counter);
      ff.free(fp);
    }
  }

  remove(filePath: string): void {
    this.ensureOpen();
    this.check(this.ff.f_unlink(filePath), `delete ${filePath}`);
  }

  mkdir(dirPath: string): void {
    this.ensureOpen();
    this.check(this.ff.f_mkdir(dirPath), `create the folder ${dirPath}`);
  }

  info(): VolumeInfo {
    this.ensureOpen();
    const boot = Buffer.alloc(SECTOR_SIZE);
    this.target.readSync(boot, 0, SECTOR_SIZE, this.window.startLba * SECTOR_SIZE);
    const bytesPerSector = boot.readUInt16LE(11);
    const clusterBytes = (boot[13] ?? 0) * bytesPerSector;
    const { ff } = this;
    const clusters = ff.malloc(4);
    const fsOut = ff.malloc(4);
    try {
      this.check(ff.f_getfree('', clusters, fsOut), 'read the free space');
      const freeClusters = ff.getValue(clusters, 'i32') >>> 0;
      const fatType = fatTypeOf(boot);
      return {
        fatType,
        label: readLabel(boot, fatType),
        clusterBytes,
        totalBytes: this.window.sectors * SECTOR_SIZE,
        freeBytes: freeClusters * clusterBytes,
        window: this.window,
      };
    } finally {
      ff.free(fsOut);
      ff.free(clusters);
    }
  }

  /** Unmounts (FatFs writes back what it holds), flushes, and wipes FatFs's memory. */
  close(): void {
    if (this.closed) return;
    try {
      this.ff.f_unmount('');
      if (this.target.writable) this.target.flushSync();
    } finally {
      this.wipe();
    }
  }

  private wipe(): void {
    this.closed = true;
    // The whole WebAssembly heap: file buffers, FatFs's sector windows, the FIL structs.
    this.ff.HEAPU8.fill(0);
  }
}

/** FAT type by the count of clusters, the only rule the FAT specification accepts. */
export function fatTypeOf(boot: Buffer): FatType {
  const bytesPerSector = boot.readUInt16LE(11);
  const sectorsPerCluster = boot[13] ?? 1;
  const reserved = boot.readUInt16LE(14);
  const fats = boot[16] ?? 2;
  const rootEntries = boot.readUInt16LE(17);
  const total16 = boot.readUInt16LE(19);
  const fat16Size = boot.readUInt16LE(22);
  const totalSectors = total16 !== 0 ? total16 : boot.readUInt32LE(32);
  const fatSize = fat16Size !== 0 ? fat16Size : boot.readUInt32LE(36);
  const rootSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const clusters = Math.floor((totalSectors - reserved - fats * fatSize - rootSectors) / sectorsPerCluster);
  if (clusters < 4085) return 'FAT12';
  if (clusters < 65525) return 'FAT16';
  return 'FAT32';
}

function readLabel(boot: Buffer, fatType: FatType): string | null {
  const offset = fatType === 'FAT32' ? 71 : 43;
  const signatureOffset = fatType === 'FAT32' ? 66 : 38;
  // The label fields exist only when the extended boot signature (0x29) is there.
  if (boot[signatureOffset] !== 0x29) return null;
  const label = boot.toString('latin1', offset, offset + 11).trimEnd();
  return label === '' || label === 'NO NAME' ? null : label;
}
