/**
 * `write`: put the archive, as-is and under its own name, at the root of the chosen drive's
 * FAT32 volume, verified through a fresh handle, then make the drive safe to pull. The bytes
 * come from memory — read from the imported file, or straight from ProvisionDevice — and are
 * never written anywhere else. The source is never modified.
 */
import { createHash } from 'node:crypto';
import { cancelled } from '../errors';
import { FatVolume, formatTarget, locateFatVolume, verifyFileOnVolume, DEFAULT_LABEL, type FormatResult } from '../disk';
import { ejectDrive, type EjectResult } from '../drives';
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

export async function writeArchive(source: { bytes: Buffer; fileName: string }, chosen: ChosenDrive, options: WriteArchiveOptions): Promise<WriteArchiveReport> {
  const { bytes, fileName } = source;
  options.onPhase?.('check');
  // The same strict checks as `inspect`, whatever the bytes' origin, before the drive is touched.
  const archive = await inspectArchiveBytes(bytes, fileName);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  checkCancelled(options.signal);

  const target = await openChosenDrive(chosen);
  let formatted: FormatResult | null = null;
  const removedArchives: string[] = [];
  try {
    if (options.format) {
      options.onPhase?.('format');
      // The appliance reads FAT32 only: never FAT16 or FAT12, whatever drive got this far.
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
  } finally {
    target.close();
  }

  options.onPhase?.('verify');
  await verifyFileOnVolume(chosen.assessment.drive.path, `/${fileName}`, { sha256, size: bytes.length });
  options.onPhase?.('eject');
  const eject = await ejectDrive(chosen.assessment.drive);
  return { target: chosen.assessment.drive.path, fileName, size: bytes.length, sha256, formatted, removedArchives, verified: true, eject, archive };
}
