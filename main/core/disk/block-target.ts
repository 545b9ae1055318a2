/**
 * A block target: one open file descriptor plus its size, over a block device, a loop device or
 * an image file — one code path for all three, so image files (virtual drives) exercise the
 * real code. Every later write, verify and wipe goes through it.
 */
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PanoramaUsbError, refused } from '../errors';
import { alignedBuffers, borrowAlignedBuffers, DIRECT_IO_ALIGNMENT } from './aligned';
import { classifyIoError, classifyOpenError, errnoCode, unplugged } from './io-errors';

export const SECTOR_SIZE = 512;
/** About 2 s in all: far longer than udev's probe, short enough that a mounted drive is reported soon. */
const EXCLUSIVE_OPEN_RETRIES = 20;
const EXCLUSIVE_OPEN_WAIT_MS = 100;
/** Scratch for unaligned reads through an O_DIRECT descriptor: FatFs asks for a sector or a cluster at a time. */
const DIRECT_BOUNCE_BYTES = 1024 * 1024;

export type TargetKind = 'device' | 'image';

export interface OpenOptions {
  access: 'read' | 'write';
  /**
   * O_EXCL on a Linux block device fails with EBUSY while it is mounted or exclusively open
   * elsewhere, and keeps others from mounting it while we write.
   */
  exclusive?: boolean;
  /** Size reported by the drive list, for platforms where we cannot ask the kernel. */
  knownSize?: number;
}

const readAsync = promisify(fs.read);
const writeAsync = promisify(fs.write);
const writevAsync = promisify(fs.writev);
const fsyncAsync = promisify(fs.fsync);

/** What is left of `buffers` once the first `written` bytes have gone out (a short writev). */
function afterWritten(buffers: readonly Uint8Array[], written: number): Uint8Array[] {
  let skip = written;
  const left: Uint8Array[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    left.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return left;
}

/** The kernel's idea of a block device's size: fstat says 0 for block devices. */
async function blockDeviceSize(devicePath: string, knownSize: number | undefined): Promise<number> {
  if (process.platform === 'linux') {
    const name = path.basename(fs.realpathSync(devicePath));
    const sectors = Number((await readFile(`/sys/class/block/${name}/size`, 'utf8')).trim());
    // /sys reports 512-byte units whatever the device's logical sector size.
    return sectors * 512;
  }
  if (knownSize !== undefined && knownSize > 0) return knownSize;
  throw refused('SIZE_UNKNOWN', `The size of ${devicePath} could not be read on this platform.`, 'Choose the drive from `panorama-usb drives` so its size is known.');
}

async function blockDeviceReadOnly(devicePath: string): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  const name = path.basename(fs.realpathSync(devicePath));
  try {
    return (await readFile(`/sys/class/block/${name}/ro`, 'utf8')).trim() === '1';
  } catch {
    return false;
  }
}

/** What another thread of this process needs to use an open target: descriptors are per process, not per thread. */
export interface TargetHandle {
  path: string;
  kind: TargetKind;
  size: number;
  fd: number;
  writable: boolean;
  /**
   * A read-only O_DIRECT descriptor on the same device, opened with the first (by this process,
   * or by UDisks2 for a user who is not root): what openDirectReader gives.
   */
  directFd?: number;
}

export class BlockTarget {
  private closed = false;
  /** Aligned scratch for reads through an O_DIRECT descriptor whose caller's buffer or range is not aligned. */
  private bounce: Buffer | null = null;
  /** Calls that may still be running on the descriptor (see closeAfter). */
  private readonly busy: Promise<void>[] = [];

  private constructor(
    readonly path: string,
    readonly kind: TargetKind,
    readonly size: number,
    readonly fd: number,
    readonly writable: boolean,
    /** False for a target adopted from another thread: its owner closes the descriptor. */
    private readonly ownsDescriptor = true,
    private readonly directFd: number | null = null,
    /** This descriptor was opened O_DIRECT: readSync goes through aligned scratch. */
    private readonly direct = false,
  ) {}

  /**
   * Uses a target opened by another thread (the disk worker formats a drive the main thread
   * opened exclusively). close() then only stops this object; the opener still owns the descriptor.
   */
  static adopt(handle: TargetHandle): BlockTarget {
    return new BlockTarget(handle.path, handle.kind, handle.size, handle.fd, handle.writable, false, handle.directFd ?? null);
  }

  /**
   * A target over descriptors someone else opened for us (UDisks2 hands them over D-Bus); this
   * object owns them from now on and closes both.
   */
  static fromDescriptors(handle: TargetHandle): BlockTarget {
    return new BlockTarget(handle.path, handle.kind, handle.size, handle.fd, handle.writable, true, handle.directFd ?? null);
  }

  get handle(): TargetHandle {
    return { path: this.path, kind: this.kind, size: this.size, fd: this.fd, writable: this.writable, ...(this.directFd === null ? {} : { directFd: this.directFd }) };
  }

  static async open(targetPath: string, options: OpenOptions): Promise<BlockTarget> {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(targetPath);
    } catch (error) {
      throw classifyOpenError(error, targetPath);
    }
    const kind: TargetKind | null = stat.isBlockDevice() ? 'device' : stat.isFile() ? 'image' : null;
    if (kind === null) {
      throw refused('NOT_A_DRIVE_OR_IMAGE', `${targetPath} is neither a drive nor an image file.`, 'Give a block device such as /dev/sdb, or an image file.');
    }
    const write = options.access === 'write';
    let deviceSize = 0;
    if (kind === 'device') {
      try {
        deviceSize = await blockDeviceSize(targetPath, options.knownSize);
      } catch (error) {
        throw error instanceof PanoramaUsbError ? error : classifyOpenError(error, targetPath);
      }
      // Checked before read-only: an empty reader or a detached loop may also claim to be read-only.
      if (deviceSize === 0) {
        throw refused('NO_MEDIUM', `${targetPath} has no medium: an empty card reader, or a device that was detached.`, 'Insert the card or plug the drive back in, then choose it again.');
      }
    }
    if (write && kind === 'device' && (await blockDeviceReadOnly(targetPath))) {
      throw refused('TARGET_READ_ONLY', `${targetPath} is read-only.`, 'Slide the write-protect switch off (SD cards) or use another drive.');
    }
    let flags = write ? fs.constants.O_RDWR : fs.constants.O_RDONLY;
    if (write && options.exclusive === true && kind === 'device' && process.platform === 'linux') flags |= fs.constants.O_EXCL;
    let fd: number;
    for (let attempt = 0; ; attempt += 1) {
      try {
        fd = fs.openSync(targetPath, flags);
        break;
      } catch (error) {
        // With udev running, blkid probes a device for a moment after every change: an exclusive
        // open then meets EBUSY and is worth another try before the drive is called busy.
        if ((flags & fs.constants.O_EXCL) !== 0 && errnoCode(error) === 'EBUSY' && attempt < EXCLUSIVE_OPEN_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, EXCLUSIVE_OPEN_WAIT_MS));
          continue;
        }
        throw classifyOpenError(error, targetPath);
      }
    }
    const size = kind === 'device' ? deviceSize : fs.fstatSync(fd).size;
    // What is written is read back around the cache: the O_DIRECT descriptor is opened now, with
    // the drive (as UDisks2 hands both over), never later by path for the verification.
    let directFd: number | null = null;
    if (write && kind === 'device' && process.platform === 'linux') {
      try {
        directFd = fs.openSync(targetPath, fs.constants.O_RDONLY | fs.constants.O_DIRECT);
      } catch (error) {
        if (errnoCode(error) !== 'EINVAL') {
          fs.closeSync(fd);
          throw classifyOpenError(error, targetPath);
        }
      }
    }
    return new BlockTarget(targetPath, kind, size, fd, write, true, directFd);
  }

  /**
   * An error of an operation on this target, typed. A device whose every sector fails (a stick
   * pulled out whose node the kernel has not removed yet, or one that died) first answers EIO
   * like a bad sector does: an I/O error is taken for "unplugged" when the drive no longer
   * answers a read anywhere.
   */
  private classify(error: unknown): PanoramaUsbError {
    const typed = classifyIoError(error, this.path, this.kind, this.size);
    if (typed.code !== 'IO_ERROR' || this.kind !== 'device' || this.closed || this.answersReads()) return typed;
    return unplugged(this.path, error);
  }

  /**
   * Whether a direct read (around the kernel's cache, which would answer for a drive long gone)
   * of 4 KiB at the start, the middle or the end of the drive succeeds. True when that cannot be
   * tried: an I/O error stays an I/O error unless the drive is shown to be gone.
   */
  private answersReads(): boolean {
    let reader: BlockTarget | null;
    try {
      reader = this.openDirectReader();
    } catch {
      // Cannot tell (a user given the drive by UDisks2 may not open it again): not shown gone.
      return true;
    }
    if (reader === null) return true;
    const { buffers, release } = borrowAlignedBuffers(1, DIRECT_IO_ALIGNMENT);
    const [scratch] = buffers;
    try {
      const last = Math.floor((this.size - DIRECT_IO_ALIGNMENT) / DIRECT_IO_ALIGNMENT) * DIRECT_IO_ALIGNMENT;
      const middle = Math.floor(this.size / 2 / DIRECT_IO_ALIGNMENT) * DIRECT_IO_ALIGNMENT;
      return scratch === undefined || [0, middle, last].some((position) => {
        try {
          return fs.readSync(reader.fd, scratch, 0, DIRECT_IO_ALIGNMENT, position) > 0;
        } catch {
          return false;
        }
      });
    } finally {
      release();
      reader.close();
    }
  }

  /**
   * A second descriptor on the same block device that writes around the kernel's cache
   * (O_DIRECT, Linux): each write goes to the drive as it is made, as dd's oflag=direct does.
   * Only where this process may open the device itself (root): null otherwise, for image files,
   * other platforms or a device that refuses direct I/O — callers then write through the cache.
   * Buffers, positions and lengths must be aligned (see aligned.ts). The caller closes it.
   */
  openDirectWriter(): BlockTarget | null {
    if (this.closed) throw new Error(`${this.path} is closed`);
    if (!this.writable || this.kind !== 'device' || process.platform !== 'linux') return null;
    try {
      const fd = fs.openSync(this.path, fs.constants.O_WRONLY | fs.constants.O_DIRECT);
      return new BlockTarget(this.path, this.kind, this.size, fd, true, true, null, true);
    } catch {
      // Not allowed (a user given the drive by UDisks2), or no direct I/O: the cache it is.
      return null;
    }
  }

  /**
   * A second, read-only descriptor on the same block device that bypasses the kernel's caches
   * (O_DIRECT, Linux): what it reads comes from the drive itself, never from pages the kernel
   * remembers writing, and with one copy less. Buffers, positions and lengths given to it must
   * be aligned (see aligned.ts). Null for image files, on other platforms, or when the device
   * refuses direct I/O: callers then read through the cache as before.
   */
  openDirectReader(): BlockTarget | null {
    if (this.closed) throw new Error(`${this.path} is closed`);
    // Opened with this target (by UDisks2 for a user who is not root): shared, not closed by the reader.
    if (this.directFd !== null) return new BlockTarget(this.path, this.kind, this.size, this.directFd, false, false, null, true);
    if (this.kind !== 'device' || process.platform !== 'linux') return null;
    try {
      const fd = fs.openSync(this.path, fs.constants.O_RDONLY | fs.constants.O_DIRECT);
      return new BlockTarget(this.path, this.kind, this.size, fd, false, true, null, true);
    } catch (error) {
      if (errnoCode(error) === 'EINVAL') return null;
      throw classifyOpenError(error, this.path);
    }
  }

  get sectors(): number {
    return Math.floor(this.size / SECTOR_SIZE);
  }

  private checkRange(position: number, length: number): void {
    // Both are programming errors, never user input: fail loudly.
    if (this.closed) throw new Error(`${this.path} is closed`);
    if (position < 0 || length < 0 || position + length > this.size) {
      throw new RangeError(`I/O outside ${this.path}: ${position}+${length} > ${this.size}`);
    }
  }

  /** Synchronous positioned read of exactly `length` bytes (FatFs's disk callbacks are synchronous). */
  readSync(buffer: Uint8Array, offset: number, length: number, position: number): void {
    this.checkRange(position, length);
    if (this.direct) {
      this.readSyncAligned(buffer, offset, length, position);
      return;
    }
    let done = 0;
    try {
      while (done < length) {
        const n = fs.readSync(this.fd, buffer, offset + done, length - done, position + done);
        if (n === 0) throw Object.assign(new Error(`unexpected end of ${this.path}`), { code: 'EIO' });
        done += n;
      }
    } catch (error) {
      throw this.classify(error);
    }
  }

  /**
   * O_DIRECT wants the memory, the position and the length aligned, which FatFs's sector reads into
   * its own heap are not: read the aligned stretch around them into scratch memory, then copy.
   */
  private readSyncAligned(buffer: Uint8Array, offset: number, length: number, position: number): void {
    this.bounce ??= alignedBuffers(1, DIRECT_BOUNCE_BYTES)[0] ?? null;
    const scratch = this.bounce;
    if (scratch === null) throw new Error('no aligned memory for a direct read');
    let done = 0;
    try {
      while (done < length) {
        const at = position + done;
        const start = Math.floor(at / DIRECT_IO_ALIGNMENT) * DIRECT_IO_ALIGNMENT;
        const end = Math.min(Math.ceil((position + length) / DIRECT_IO_ALIGNMENT) * DIRECT_IO_ALIGNMENT, start + DIRECT_BOUNCE_BYTES, Math.ceil(this.size / DIRECT_IO_ALIGNMENT) * DIRECT_IO_ALIGNMENT);
        const got = fs.readSync(this.fd, scratch, 0, end - start, start);
        const usable = Math.min(got - (at - start), length - done);
        if (usable <= 0) throw Object.assign(new Error(`unexpected end of ${this.path}`), { code: 'EIO' });
        buffer.set(scratch.subarray(at - start, at - start + usable), offset + done);
        done += usable;
      }
    } catch (error) {
      throw this.classify(error);
    } finally {
      // Drive contents (an archive's key, read back to verify it) never stay in the scratch.
      scratch.fill(0);
    }
  }

  writeSync(buffer: Uint8Array, offset: number, length: number, position: number): void {
    this.checkRange(position, length);
    let done = 0;
    try {
      while (done < length) done += fs.writeSync(this.fd, buffer, offset + done, length - done, position + done);
    } catch (error) {
      throw this.classify(error);
    }
  }

  /** Asynchronous positioned read: the libuv thread pool does the I/O, the event loop stays free. */
  async read(buffer: Uint8Array, position: number): Promise<void> {
    this.checkRange(position, buffer.length);
    let done = 0;
    try {
      while (done < buffer.length) {
        const { bytesRead } = await readAsync(this.fd, buffer, done, buffer.length - done, position + done);
        if (bytesRead === 0) throw Object.assign(new Error(`unexpected end of ${this.path}`), { code: 'EIO' });
        done += bytesRead;
      }
    } catch (error) {
      throw this.classify(error);
    }
  }

  async write(buffer: Uint8Array, position: number): Promise<void> {
    this.checkRange(position, buffer.length);
    let done = 0;
    try {
      while (done < buffer.length) {
        const { bytesWritten } = await writeAsync(this.fd, buffer, done, buffer.length - done, position + done);
        done += bytesWritten;
      }
    } catch (error) {
      throw this.classify(error);
    }
  }

  /**
   * Writes `buffers` one after another from `position`, in one system call when the kernel
   * takes them all: data that arrives in pieces (a keystream) goes out without being copied
   * into one buffer first.
   */
  async writev(buffers: readonly Uint8Array[], position: number): Promise<void> {
    const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    this.checkRange(position, total);
    let pending = buffers.filter((buffer) => buffer.length > 0);
    let done = 0;
    try {
      while (pending.length > 0) {
        const { bytesWritten } = await writevAsync(this.fd, pending, position + done);
        // A device that takes nothing would otherwise be asked again forever.
        if (bytesWritten === 0) throw Object.assign(new Error(`no bytes written to ${this.path} at ${position + done}`), { code: 'EIO' });
        done += bytesWritten;
        pending = afterWritten(pending, bytesWritten);
      }
    } catch (error) {
      throw this.classify(error);
    }
  }

  /** Flush to stable storage: the data is on the drive, not in a cache, when this returns. */
  async flush(): Promise<void> {
    try {
      await fsyncAsync(this.fd);
    } catch (error) {
      throw this.classify(error);
    }
  }

  flushSync(): void {
    try {
      fs.fsyncSync(this.fd);
    } catch (error) {
      throw this.classify(error);
    }
  }

  /**
   * A thread abandoned while it may still be inside a read or write on this descriptor (a drive
   * that stopped responding): close() then waits for it, so the descriptor's number is never
   * reused under a syscall that has not returned.
   */
  closeAfter(busy: Promise<unknown>): void {
    this.busy.push(
      busy.then(
        () => undefined,
        () => undefined,
      ),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.ownsDescriptor) return;
    const release = (): void => {
      fs.closeSync(this.fd);
      if (this.directFd !== null) fs.closeSync(this.directFd);
    };
    if (this.busy.length === 0) release();
    else void Promise.all(this.busy).then(release);
  }
}
