/**
 * `write`: put the archive, as-is and under its own name, at the root of the chosen drive's
 * FAT32 volume, verified through a fresh handle, then make the drive safe to pull. The bytes
 * come from memory — read from the imported file, or straight from ProvisionDevice — and are
 * never written anywhere else. The source is never modified.
 */
import { createHash } from 'node:crypto';
import { cancelled, failed, PanoramaUsbError } from '../errors';
import { FatVolume, formatTarget, locateFatVolume, verifyFileOnTarget, DEFAULT_LABEL, type BlockTarget, type FormatResult } from '../disk';
import { ejectAfterWrite, type EjectResult } from '../access';
import { openChosenDrive, type ChosenDrive } from '../target';
import { inspectArchiveBytes, type ArchiveReport } from './inspect';
import { ARCHIVE_PREFIX } from './name';

export type WritePhase = 'check' | 'format' | 'write' | 'verify' | 'eject';

export interface WriteArchiveOptions {
  /** Format the drive first (the default); false keeps the existing FAT volume. */
  format: boolean;
  label?: string;
  signal?: AbortSignal;
  onPhase?: (phase: WritePhase) => void;
  /** Who runs the FatFs part; this thread unless the disk worker is given (core/offthread). */
  volumeWriter?: VolumeWriter;
}

export interface WriteArchiveReport {
  target: string;
  fileName: string;
  size: number;
  sha256: string;
  formatted: FormatResult | null;
  /** Other devices' archives found at the root and removed (only with format: false). */
  removedArchives: string[];
  verified: true;
  eject: EjectResult;
  archive: ArchiveReport;
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw cancelled('CANCELLED', 'The write was cancelled.', 'Nothing further was written; run it again when ready.');
}

const isOtherArchive = (name: string, own: string): boolean =>
  name.toLowerCase() !== own.toLowerCase() && name.toLowerCase().startsWith(ARCHIVE_PREFIX) && name.toLowerCase().endsWith('.zip');

/** Something that performs writeArchive: in this thread, or in a worker (core/offthread). */
export type ArchiveWriter = (source: { bytes: Buffer; fileName: string }, chosen: ChosenDrive, options: WriteArchiveOptions) => Promise<WriteArchiveReport>;

/** What the FatFs part of a write did. */
export interface VolumeWriteResult {
  formatted: FormatResult | null;
  removedArchives: string[];
}

/** Who runs the FatFs part (formatting, writing the file) on a target this thread opened: here, or the disk worker. */
export type VolumeWriter = (target: BlockTarget, source: { bytes: Buffer; fileName: string }, options: Omit<WriteArchiveOptions, 'volumeWriter'>) => Promise<VolumeWriteResult>;

/**
 * The FatFs part of a write, on a target already opened and checked: formats it (unless told
 * not to), removes other devices' archives from the root (with format: false), writes the archive
 * and flushes. Synchronous underneath (FatFs): the desktop app runs it in the disk worker.
 */
export async function writeArchiveVolume(target: BlockTarget, source: { bytes: Buffer; fileName: string }, options: Omit<WriteArchiveOptions, 'volumeWriter'>): Promise<VolumeWriteResult> {
  const { bytes, fileName } = source;
  let formatted: FormatResult | null = null;
  const removedArchives: string[] = [];
  if (options.format) {
    options.onPhase?.('format');
    formatted = await formatTarget(target, { label: options.label ?? DEFAULT_LABEL, requireFat32: true });
  }
  // With --no-format a drive without FAT is refused here, before anything is written.
  const volume = await FatVolume.mount(target, locateFatVolume(target));
  try {
    checkCancelled(options.signal);
    options.onPhase?.('write');
    for (const entry of volume.list('/')) {
      if (!entry.isDirectory && isOtherArchive(entry.name, fileName)) {
        volume.remove(entry.path);
        removedArchives.push(entry.name);
      }
    }
    volume.writeFile(`/${fileName}`, bytes);
  } finally {
    volume.close();
  }
  await target.flush();
  return { formatted, removedArchives };
}

/**
 * A write whose archive could not be written or read back whole — bad sectors where it lands, or
 * bytes that came back different — leaves a drive that may hold part of the archive, key
 * included. The journal keeps it as holding the archive (`pending`, the home screen) until it is
 * sanitized; the error says so. Overwriting the partial copy in place is not attempted: the
 * sectors that failed are where it lies. A drive pulled out or a cancel keeps its own error.
 */
function partialCopy(error: unknown, drivePath: string, fileName: string): unknown {
  if (!(error instanceof PanoramaUsbError) || !['IO_ERROR', 'VERIFY_MISMATCH'].includes(error.code)) return error;
  return failed(
    'WRITE_VERIFY_FAILED',
    `${fileName} could not be written to ${drivePath} and read back whole (${error.message.replace(/\.$/, '')}). The drive may hold part of the archive, its private key included: it stays listed as holding it (panorama-usb pending) until it is sanitized.`,
    `Write the archive to another drive; sanitize this one (panorama-usb sanitize ${drivePath} --method zero) or, if that fails too, destroy it physically.`,
    error,
  );
}

export async function writeArchive(source: { bytes: Buffer; fileName: string }, chosen: ChosenDrive, options: WriteArchiveOptions): Promise<WriteArchiveReport> {
  const { bytes, fileName } = source;
  const { volumeWriter = writeArchiveVolume, ...volumeOptions } = options;
  options.onPhase?.('check');
  // The same strict checks as `inspect`, whatever the bytes' origin, before the drive is touched.
  const archive = await inspectArchiveBytes(bytes, fileName);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  checkCancelled(options.signal);

  // Opened once, here (through UDisks2 for a user who is not root); the worker and the
  // verification use this target's descriptors.
  const target = await openChosenDrive(chosen, { replacesLayout: options.format });
  let written: VolumeWriteResult;
  // An object: the phase changes inside the callback, where control-flow analysis does not follow.
  const reached: { phase: WritePhase } = { phase: 'check' };
  const onPhase = (next: WritePhase): void => {
    reached.phase = next;
    options.onPhase?.(next);
  };
  try {
    written = await volumeWriter(target, source, { ...volumeOptions, onPhase });
    onPhase('verify');
    await verifyFileOnTarget(target, `/${fileName}`, { sha256, size: bytes.length });
  } catch (error) {
    throw reached.phase === 'write' || reached.phase === 'verify' ? partialCopy(error, chosen.assessment.drive.path, fileName) : error;
  } finally {
    target.close();
  }
  options.onPhase?.('eject');
  const eject = await ejectAfterWrite(chosen.assessment.drive);
  return { target: chosen.assessment.drive.path, fileName, size: bytes.length, sha256, formatted: written.formatted, removedArchives: written.removedArchives, verified: true, eject, archive };
}
