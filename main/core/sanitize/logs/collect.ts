/**
 * Collecting the appliance's provisioning logs from a drive into a support bundle. The drive is
 * opened read-only and its FAT volume read without mounting; every *.log file under /panorama is
 * redacted (certificates, keys, access keys, long base64) before it is zipped with a manifest.
 * The bundle is written beside nothing it could replace: an existing output is refused before
 * the drive is even opened. Any drive but a system drive or a virtual device (zram) may be read.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { PRODUCT } from '../../app';
import { withDriveVolume } from '../../access';
import type { FatEntry, FatVolume } from '../../disk';
import { describeDrive, requireEligible, resolveTarget, type Drive } from '../../drives';
import { failed, PanoramaUsbError, refused } from '../../errors';
import { checkOutputPath, writeZipExclusive, type BundleEntry } from './bundle';
import { MIN_BASE64_RUN, REDACTION_MARKS, redactLog, type RedactionCounts } from './redact';

export const LOGS_FOLDER = '/panorama';
/** A provisioning log is KiB to a few MiB; anything far larger is not read into memory. */
export const MAX_LOG_BYTES = 256 * 1024 * 1024;
export const MANIFEST_SCHEMA_VERSION = 1;

export interface LogFileReport {
  name: string;
  /** Size on the drive. */
  bytes: number;
  /** Size in the bundle, after redaction. */
  redactedBytes: number;
  redactions: number;
  redactionsByKind: RedactionCounts;
  /** SHA-256 of the redacted content, as stored in the bundle. */
  sha256: string;
  modifiedAt: string | null;
}

/** A log the drive could not read (bad sectors where it lies): named in the bundle, never silently missing. */
export interface UnreadableLog {
  name: string;
  bytes: number;
  error: { code: string; message: string };
}

export interface LogBundleReport {
  out: string;
  drive: { path: string; description: string };
  collectedAt: string;
  files: LogFileReport[];
  unreadable: UnreadableLog[];
  redactions: number;
  bundleBytes: number;
}

export interface CollectLogsOptions {
  /** The drive as already listed or chosen; resolved from the path otherwise. */
  drive?: Drive;
  /** The collection time written to the manifest (tests). */
  now?: Date;
}

function noLogs(drivePath: string, detail: string): Error {
  return refused('NO_LOGS', `${drivePath} has no provisioning logs: ${detail}.`, 'The appliance writes its logs after reading the drive: collect them once the appliance has read the drive (plug it into the appliance first).');
}

interface RawLog {
  entry: FatEntry;
  data: Buffer;
}

function readLogs(volume: FatVolume, drivePath: string): { logs: RawLog[]; unreadable: UnreadableLog[] } {
  if (!volume.exists(LOGS_FOLDER)) throw noLogs(drivePath, `there is no ${LOGS_FOLDER} folder`);
  const folder = volume.list('/').find((entry) => entry.name.toLowerCase() === LOGS_FOLDER.slice(1));
  if (folder !== undefined && !folder.isDirectory) throw noLogs(drivePath, `${LOGS_FOLDER} is a file, not a folder`);
  const entries = volume
    .list(LOGS_FOLDER)
    .filter((entry) => !entry.isDirectory && /\.log$/i.test(entry.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (entries.length === 0) throw noLogs(drivePath, `${LOGS_FOLDER} holds no .log files`);
  for (const entry of entries) {
    if (entry.size > MAX_LOG_BYTES) {
      throw refused('LOG_TOO_LARGE', `${entry.path} on ${drivePath} is ${entry.size} bytes; provisioning logs are far smaller (at most ${MAX_LOG_BYTES} accepted).`, 'Copy that file off the drive by hand if it is really needed.');
    }
  }
  const logs: RawLog[] = [];
  const unreadable: UnreadableLog[] = [];
  try {
    for (const entry of entries) {
      try {
        logs.push({ entry, data: volume.readFile(entry.path) });
      } catch (error) {
        // A bad sector in one log costs that log, not the others: it is named in the bundle.
        if (!(error instanceof PanoramaUsbError && error.code === 'IO_ERROR')) throw error;
        unreadable.push({ name: entry.name, bytes: entry.size, error: { code: error.code, message: error.message } });
      }
    }
  } catch (error) {
    for (const log of logs) log.data.fill(0);
    throw error;
  }
  if (logs.length === 0) {
    throw failed('LOGS_UNREADABLE', `None of the ${entries.length} logs under ${LOGS_FOLDER} on ${drivePath} could be read (${unreadable[0]?.error.message.replace(/\.$/, '') ?? 'I/O error'}).`, 'The drive is failing where the logs lie: try another USB port; if it persists, the logs are lost.');
  }
  return { logs, unreadable };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Collects /panorama/*.log from the drive, redacted, into a new zip at outPath. */
export async function collectLogs(drivePath: string, outPath: string, options: CollectLogsOptions = {}): Promise<LogBundleReport> {
  const out = path.resolve(outPath);
  await checkOutputPath(out);
  const drive = options.drive ?? (await resolveTarget(drivePath));
  // Reading changes nothing, so a write-protected, mounted or small drive is fine; a system drive
  // or a RAM device never held the appliance's logs, and naming one is a slip worth stopping.
  requireEligible(drive, 'read');
  const { logs: raw, unreadable } = await withDriveVolume(drive.path, drive.size === null ? {} : { knownSize: drive.size }, (volume) => readLogs(volume, drive.path));

  const collectedAt = (options.now ?? new Date()).toISOString();
  const entries: BundleEntry[] = [];
  const files: LogFileReport[] = [];
  try {
    for (const { entry, data } of raw) {
      const redacted = redactLog(data);
      data.fill(0);
      entries.push({ name: `logs/${entry.name}`, data: redacted.data, ...(entry.modified === null ? {} : { date: entry.modified }) });
      files.push({
        name: entry.name,
        bytes: entry.size,
        redactedBytes: redacted.data.length,
        redactions: redacted.total,
        redactionsByKind: redacted.counts,
        sha256: sha256(redacted.data),
        modifiedAt: entry.modified === null ? null : entry.modified.toISOString(),
      });
    }
  } finally {
    for (const { data } of raw) data.fill(0);
  }

  const redactions = files.reduce((sum, file) => sum + file.redactions, 0);
  const driveInfo = { path: drive.path, description: describeDrive(drive) };
  const manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    tool: { name: PRODUCT.name, version: PRODUCT.version },
    collectedAt,
    drive: driveInfo,
    source: LOGS_FOLDER,
    redaction: {
      marks: Object.values(REDACTION_MARKS),
      minBase64Run: MIN_BASE64_RUN,
      total: redactions,
    },
    files: files.map((file) => ({
      name: file.name,
      entry: `logs/${file.name}`,
      originalBytes: file.bytes,
      bytes: file.redactedBytes,
      sha256: file.sha256,
      redactions: file.redactions,
      redactionsByKind: file.redactionsByKind,
      modifiedAt: file.modifiedAt,
    })),
    unreadable,
  };
  entries.push({ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), date: new Date(collectedAt) });
  const bundleBytes = await writeZipExclusive(out, entries);
  return { out, drive: driveInfo, collectedAt, files, unreadable, redactions, bundleBytes };
}
