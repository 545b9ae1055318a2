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
import { alignedBuffers, borrowAlignedBuffers, DIRECT_IO_ALIGNMENT, isAlignedMemory } from './aligned';
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
  /**
   * A raw device that takes only whole blocks of this many bytes at block-aligned positions
   * (macOS /dev/rdiskN, Windows \\.\PhysicalDriveN): anything else is read, or read-modified-
   * written, through aligned scratch memory.
   */
  blockSize?: number;
  /**
   * Linux: the descriptor itself is opened O_DIRECT (every write goes to the drive as made, as
   * dd's oflag=direct does): memory, positions and lengths aligned to 4096, as blockSize does.
   */
  direct?: boolean;
}

/** What a descriptor demands of each I/O: positions and lengths in whole blocks; aligned memory too (O_DIRECT). */
export interface IoAlignment {
  block: number;
  memory: boolean;
}

/** An O_DIRECT descriptor's rules, for the drives we meet (4 KiB covers 512-byte and 4Kn sectors). */
const DIRECT_ALIGNMENT: IoAlignment = { block: DIRECT_IO_ALIGNMENT, memory: true };

function alignmentFor(options: OpenOptions): IoAlignment | null {
  if (options.direct === true) return DIRECT_ALIGNMENT;
  const block = options.blockSize ?? 0;
  if (block <= 1) return null;
  // A block size that does not divide the scratch (4096-aligned, 1 MiB) cannot be bounced.
  if (!Number.isInteger(block) || DIRECT_IO_ALIGNMENT % block !== 0) throw refused('UNSUPPORTED_BLOCK_SIZE', `A drive with ${block}-byte blocks is not supported.`, 'Use a drive with 512-byte or 4096-byte sectors.');
  return { block, memory: false };
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
  /** What the descriptor demands of each I/O (a raw device's whole blocks): none when absent. */
  alignment?: IoAlignment;
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
    /** What this descriptor demands of each I/O (O_DIRECT, a raw device): what does not fit goes through aligned scratch. */
    private readonly alignment: IoAlignment | null = null,
  ) {}

  /**
   * Uses a target opened by another thread (the disk worker formats a drive the main thread
   * opened exclusively). close() then only stops this object; the opener still owns the descriptor.
   */
  static adopt(handle: TargetHandle): BlockTarget {
    return new BlockTarget(handle.path, handle.kind, handle.size, handle.fd, handle.writable, false, handle.directFd ?? null, handle.alignment ?? null);
  }

  /**
   * A target over descriptors someone else opened for us (UDisks2 hands them over D-Bus); this
   * object owns them from now on and closes both.
   */
  static fromDescriptors(handle: TargetHandle): BlockTarget {
    return new BlockTarget(handle.path, handle.kind, handle.size, handle.fd, handle.writable, true, handle.directFd ?? null, handle.alignment ?? null);
  }

  get handle(): TargetHandle {
    return {
      path: this.path,
      kind: this.kind,
      size: this.size,
      fd: this.fd,
      writable: this.writable,
      ...(this.directFd === null ? {} : { directFd: this.directFd }),
      ...(this.alignment === null ? {} : { alignment: this.alignment }),
    };
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
    const alignment = alignmentFor(options);
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
    if (options.direct === true && process.platform === 'linux') flags |= fs.constants.O_DIRECT;
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
    return new BlockTarget(targetPath, kind, size, fd, write, true, directFd, alignment);
  }

  /**
   * Opens a whole drive by a path the kernel gives no size for (macOS /dev/rdiskN, Windows
   * \\.\PhysicalDriveN), whose size and block size the system's own tools told us: no stat,
   * no sysfs. Every I/O is then made of whole blocks (see OpenOptions.blockSize).
   */
  static openRaw(devicePath: string, options: { access: 'read' | 'write'; size: number; blockSize: number }): BlockTarget {
    if (!(options.size > 0)) throw refused('NO_MEDIUM', `${devicePath} has no medium: an empty card reader, or a device that was detached.`, 'Insert the card or plug the drive back in, then choose it again.');
    const alignment = alignmentFor({ access: options.access, blockSize: options.blockSize });
    const write = options.access === 'write';
    let fd: number;
    try {
      fd = fs.openSync(devicePath, write ? fs.constants.O_RDWR : fs.constants.O_RDONLY);
    } catch (error) {
      throw classifyOpenError(error, devicePath);
    }
    return new BlockTarget(devicePath, 'device', options.size, fd, write, true, null, alignment);
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
      // Read-write: a write that is not in whole blocks is read, modified and written back.
      const fd = fs.openSync(this.path, fs.constants.O_RDWR | fs.constants.O_DIRECT);
      return new BlockTarget(this.path, this.kind, this.size, fd, true, true, null, DIRECT_ALIGNMENT);
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
    if (this.directFd !== null) return new BlockTarget(this.path, this.kind, this.size, this.directFd, false, false, null, DIRECT_ALIGNMENT);
    if (this.kind !== 'device' || process.platform !== 'linux') return null;
    try {
      const fd = fs.openSync(this.path, fs.constants.O_RDONLY | fs.constants.O_DIRECT);
      return new BlockTarget(this.path, this.kind, this.size, fd, false, true, null, DIRECT_ALIGNMENT);
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

  /** Whether an I/O can go to the descriptor as it is, or must go through aligned scratch. */
  private fits(buffer: Uint8Array, offset: number, length: number, position: number): boolean {
    const rules = this.alignment;
    if (rules === null) return true;
    if (position % rules.block !== 0 || length % rules.block !== 0) return false;
    return !rules.memory || isAlignedMemory(buffer, offset);
  }

  /** Whether pieces written one after another from `position` each fit the descriptor's rules. */
  private allFit(buffers: readonly Uint8Array[], position: number): boolean {
    let at = position;
    for (const buffer of buffers) {
      if (!this.fits(buffer, 0, buffer.length, at)) return false;
      at += buffer.length;
    }
    return true;
  }

  /** The whole blocks around `position`..`end` that one bounce covers (at most the scratch). */
  private stretch(at: number, end: number, scratchBytes: number): { start: number; stop: number } {
    const block = this.alignment?.block ?? 1;
    const start = Math.floor(at / block) * block;
    const stop = Math.min(Math.ceil(end / block) * block, start + scratchBytes);
    return { start, stop };
  }

  /** Synchronous positioned read of exactly `length` bytes (FatFs's disk callbacks are synchronous). */
  readSync(buffer: Uint8Array, offset: number, length: number, position: number): void {
    this.checkRange(position, length);
    try {
      if (!this.fits(buffer, offset, length, position)) {
        this.bounceSync(buffer, offset, length, position, 'read');
        return;
      }
      let done = 0;
      while (done < length) {
        const n = fs.readSync(this.fd, buffer, offset + done, length - done, position + done);
        if (n === 0) throw Object.assign(new Error(`unexpected end of ${this.path}`), { code: 'EIO' });
        done += n;
      }
    } catch (error) {
      throw this.classify(error);
    }
  }

  writeSync(buffer: Uint8Array, offset: number, length: number, position: number): void {
    this.checkRange(position, length);
    try {
      if (!this.fits(buffer, offset, length, position)) {
        this.bounceSync(buffer, offset, length, position, 'write');
        return;
      }
      let done = 0;
      while (done < length) done += fs.writeSync(this.fd, buffer, offset + done, length - done, position + done);
    } catch (error) {
      throw this.classify(error);
    }
  }

  /**
   * An I/O the descriptor would refuse (FatFs's 512-byte sectors into its own heap, on a drive
   * that takes 4 KiB blocks into aligned memory): the whole blocks around it go through aligned
   * scratch — read, and for a write modified and written back — a stretch at a time.
   */
  private bounceSync(buffer: Uint8Array, offset: number, length: number, position: number, kind: 'read' | 'write'): void {
    this.bounce ??= alignedBuffers(1, DIRECT_BOUNCE_BYTES)[0] ?? null;
    const scratch = this.bounce;
    if (scratch === null) throw new Error('no aligned memory for a bounced I/O');
    try {
      let done = 0;
      while (done < length) {
        const at = position + done;
        const { start, stop } = this.stretch(at, position + length, scratch.length);
        const usable = Math.min(stop - start - (at - start), length - done);
        const whole = kind === 'write' && at === start && usable === stop - start;
        // A write of part of a block keeps the rest of it: read first (a read always reads).
        if (!whole) this.readWholeSync(scratch, stop - start, start);
        if (kind === 'read') buffer.set(scratch.subarray(at - start, at - start + usable), offset + done);
        else {
          scratch.set(buffer.subarray(offset + done, offset + done + usable), at - start);
          let written = 0;
          while (written < stop - start) written += fs.writeSync(this.fd, scratch, written, stop - start - written, start + written);
        }
        done += usable;
      }
    } finally {
      // Drive contents (an archive's key, read back to verify it) never stay in the scratch.
      scratch.fill(0);
    }
  }

  /** Reads `length` bytes at an aligned `position` into aligned scratch; past the end of the drive reads as zeros. */
  private readWholeSync(scratch: Buffer, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, scratch, done, length - done, position + done);
      if (n === 0) {
        if (position + done < this.size) throw Object.assign(new Error(`unexpected end of ${this.path}`), { code: 'EIO' });
        scratch.fill(0, done, length);
        return;
      }
      done += n;
    }
  }

  /** The asynchronous bounce: scratch of its own (borrowed), as calls may overlap. */
  private async bounceAsync(buffer: Uint8Array, position: number, kind: 'read' | 'write'): Promise<void> {
    const { buffers, release } = borrowAlignedBuffers(1, DIRECT_BOUNCE_BYTES);
    const [scratch] = buffers;
    if (scratch === undefined) throw new Error('no aligned memory for a bounced I/O');
    try {
      let done = 0;
      while (done < buffer.length) {
        const at = position + done;
        const { start, stop } = this.stretch(at, position + buffer.length, scratch.length);
        const usable = Math.min(stop - start - (at - start), buffer.length - done);
        const whole = kind === 'write' && at === start && usable === stop - start;
        if (!whole) {
          let got = 0;
          while (got < stop - start) {
            const { bytesRead } = await readAsync(this.fd, scratch, got, stop - start - got, start + got);
            if (bytesRead === 0) {
              if (start + got < this.size) throw Object.assign(new Error(`unexpected end of ${this.path}`), { code: 'EIO' });
              scratch.fill(0, got, stop - start);
              break;
            }
            got += bytesRead;
          }
        }
        if (kind === 'read') buffer.set(scratch.subarray(at - start, at - start + usable), done);
        else {
          scratch.set(buffer.subarray(done, done + usable), at - start);
          let written = 0;
          while (written < stop - start) written += (await writeAsync(this.fd, scratch, written, stop - start - written, start + written)).bytesWritten;
        }
        done += usable;
      }
    } finally {
      release();
    }
  }

  /** Asynchronous positioned read: the libuv thread pool does the I/O, the event loop stays free. */
  async read(buffer: Uint8Array, position: number): Promise<void> {
    this.checkRange(position, buffer.length);
    try {
      if (!this.fits(buffer, 0, buffer.length, position)) {
        await this.bounceAsync(buffer, position, 'read');
        return;
      }
      let done = 0;
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
    try {
      if (!this.fits(buffer, 0, buffer.length, position)) {
        await this.bounceAsync(buffer, position, 'write');
        return;
      }
      let done = 0;
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
   * into one buffer first — unless the descriptor demands whole aligned blocks the pieces are not.
   */
  async writev(buffers: readonly Uint8Array[], position: number): Promise<void> {
    const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    this.checkRange(position, total);
    let pending = buffers.filter((buffer) => buffer.length > 0);
    if (!this.allFit(pending, position)) {
      const joined = Buffer.concat(pending, total);
      try {
        await this.write(joined, position);
      } finally {
        joined.fill(0);
      }
      return;
    }
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
