/**
 * What capacity checks found, kept per drive in the data folder, so that writing an archive to a
 * drive that failed one is refused (DRIVE_COUNTERFEIT) — by the command line and the wizard
 * alike, whenever the check was run. Identity facts only (model, serial, size, path): no contents.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatSize, type Drive, type DriveAssessment, type DrivePurpose } from '../drives';
import { refused } from '../errors';
import type { CapacityReport } from './check';

const FILE_NAME = 'capacity-checks.json';

export interface StoredVerdict {
  key: string;
  checkedAt: string;
  counterfeit: boolean;
  verdict: CapacityReport['verdict'];
  sizeBytes: number;
  usableBytes: number;
}

type DriveFacts = Pick<Drive, 'path' | 'model' | 'serial' | 'size' | 'vendor' | 'backingFile'>;

/**
 * The drive's key: its vendor, model, serial and size when it has a serial (the same stick on
 * another port or path), else its path, backing file and size (an image, a loop device).
 */
export function verdictKey(drive: DriveFacts): string {
  if (drive.serial !== null && drive.serial !== '') return ['serial', drive.vendor ?? '', drive.model ?? '', drive.serial, String(drive.size)].join('|');
  return ['path', path.resolve(drive.path), drive.backingFile ?? '', String(drive.size)].join('|');
}

function readVerdicts(dataDir: string): StoredVerdict[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(dataDir, FILE_NAME), 'utf8'));
    return Array.isArray(parsed) ? (parsed as StoredVerdict[]).filter((entry) => typeof entry.key === 'string' && typeof entry.counterfeit === 'boolean') : [];
  } catch {
    // None yet, or unreadable: no verdict is known (a refusal needs one).
    return [];
  }
}

/** Keeps the latest verdict for the drive (a later check replaces an earlier one). */
export function saveVerdict(dataDir: string, drive: DriveFacts, report: CapacityReport): StoredVerdict {
  const entry: StoredVerdict = { key: verdictKey(drive), checkedAt: new Date().toISOString(), counterfeit: report.counterfeit, verdict: report.verdict, sizeBytes: report.sizeBytes, usableBytes: report.usableBytes };
  const kept = [...readVerdicts(dataDir).filter((old) => old.key !== entry.key), entry];
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, FILE_NAME);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return entry;
}

export function verdictFor(dataDir: string, drive: DriveFacts): StoredVerdict | null {
  const key = verdictKey(drive);
  return readVerdicts(dataDir).find((entry) => entry.key === key) ?? null;
}

/** Refuses a drive whose last capacity check found it counterfeit; nothing is written. */
export function assertNotCounterfeit(dataDir: string, drive: DriveFacts): void {
  const verdict = verdictFor(dataDir, drive);
  if (verdict === null || !verdict.counterfeit) return;
  throw refused(
    'DRIVE_COUNTERFEIT',
    `${drive.path} failed its capacity check (${verdict.checkedAt.slice(0, 10)}): it claims ${formatSize(verdict.sizeBytes)} but holds only ${formatSize(verdict.usableBytes)} (${verdict.verdict}); what lands past that is lost. Nothing was written.`,
    'Use another drive. If this is a different drive than the one checked, run `panorama-usb check` on it.',
  );
}

/** A drive found counterfeit, in a drive list for provisioning: not offered, with the reason (other purposes: as it was). */
export function refuseCounterfeit(assessment: DriveAssessment, purpose: DrivePurpose, dataDir: string): DriveAssessment {
  if (purpose !== 'provision') return assessment;
  const verdict = verdictFor(dataDir, assessment.drive);
  if (verdict === null || !verdict.counterfeit) return assessment;
  const reason = { code: 'DRIVE_COUNTERFEIT', message: `it failed its capacity check: it claims ${formatSize(verdict.sizeBytes)} but holds only ${formatSize(verdict.usableBytes)}.` };
  return { ...assessment, eligible: false, refusals: [...assessment.refusals, reason] };
}
