/**
 * The shapes a certificate of sanitization is made from and made of: the wipe engine's own
 * result (a certificate describes exactly what it returned), and a schema that checks results
 * arriving as JSON (from the bridge or a file) before they are certified.
 */
import { z } from 'zod';
import type { Drive } from '../../drives';
import type { ByteRange, PassRecord, VerifyMode, WipeMethod, WipeResult } from '../wipe';

export type { VerifyMode, WipeMethod };
export type WipePassLike = PassRecord;
export type WipeResultLike = WipeResult;

const count = z.number().int().nonnegative();
const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date');
const ranges = z.array(z.object({ start: count, end: count }).refine((range) => range.end > range.start, 'a range ends after it starts'));

/** Checks a result that arrived as JSON; typed against WipeResultLike so the two cannot drift apart. */
export const WipeResultSchema: z.ZodType<WipeResultLike> = z.object({
  target: z.string().min(1),
  method: z.enum(['quick', 'zero', 'random', 'random-zero']),
  verify: z.enum(['last', 'all', 'off']),
  outcome: z.enum(['sanitized', 'failed', 'cancelled']),
  passes: z.array(
    z.object({
      pass: z.number().int().positive(),
      pattern: z.enum(['zero', 'random', 'quick']),
      bytes: count,
      startedAt: timestamp,
      endedAt: timestamp,
      bytesPerSecond: z.number().nonnegative(),
      verified: z.boolean().nullable(),
    }),
  ),
  startedAt: timestamp,
  endedAt: timestamp,
  durationSeconds: z.number().nonnegative(),
  bytesWritten: count,
  bytesVerified: count,
  throughputBytesPerSecond: z.number().nonnegative(),
  errors: z.object({ retried: count, failed: count, messages: z.array(z.string()) }),
  verification: z.enum(['passed', 'failed', 'incomplete', 'not-run']),
  mismatchAt: count.nullable(),
  unwrittenRanges: ranges,
  unverifiedRanges: ranges,
  nistLevel: z.enum(['Clear', 'none']),
  formatted: z.boolean(),
  fileSystem: z.enum(['FAT12', 'FAT16', 'FAT32']).optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

/** What a certificate needs to know about the drive (a Drive fits). */
export type CertificateDrive = Pick<Drive, 'path' | 'description' | 'vendor' | 'model' | 'serial' | 'bus' | 'size'> & {
  /** What the person called it on screen ("Training drive 2", "SanDisk Ultra 31 GB (sdb)"), beside the full path. */
  displayName?: string;
};

export interface CertificateInput {
  wipe: WipeResultLike;
  drive: CertificateDrive;
  /** Default: PANORAMA_USB_ORGANISATION, else none. */
  organisation?: string | null;
  /** Default: PANORAMA_USB_TECHNICIAN, else the operating-system user name. */
  technician?: string;
  witness?: string | null;
  /** Default: os.hostname(). */
  hostName?: string;
  /** Default: this product's name and version. */
  tool?: { name: string; version: string };
  /** Fixed for tests; a fresh UUID otherwise. */
  id?: string;
  /** Fixed for tests; now otherwise. */
  issuedAt?: Date;
  /** Where the defaults are read from (tests); process.env otherwise. */
  env?: Readonly<Record<string, string | undefined>>;
}

export type NistLevel = 'Clear' | 'None';

export const CERTIFICATE_SCHEMA = 'panorama-usb/sanitization-certificate';
export const CERTIFICATE_SCHEMA_VERSION = 1;

export interface CertificatePass {
  pass: number;
  pattern: WipePassLike['pattern'];
  bytes: number;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  bytesPerSecond: number;
  verified: boolean | null;
}

export interface CertificateRecord {
  schema: typeof CERTIFICATE_SCHEMA;
  schemaVersion: typeof CERTIFICATE_SCHEMA_VERSION;
  id: string;
  issuedAt: string;
  organisation: string | null;
  technician: string;
  witness: string | null;
  tool: { name: string; version: string };
  host: { name: string; platform: string };
  drive: {
    path: string;
    /** The name the app showed for the drive; absent in records made before it was kept. */
    name?: string;
    description: string;
    vendor: string | null;
    model: string | null;
    serial: string | null;
    bus: string | null;
    sizeBytes: number | null;
  };
  /** The path the wipe engine wrote to (the same drive, perhaps by another name). */
  target: string;
  method: { id: WipeMethod; label: string; description: string; passCount: number };
  passes: CertificatePass[];
  verification: { mode: VerifyMode; result: WipeResultLike['verification']; bytesVerified: number; mismatchAt: number | null };
  /** Bytes [start, end) some pass could not write: the drive is not sanitized there. */
  unwrittenRanges: ByteRange[];
  /** Bytes [start, end) a verification could not read back. */
  unverifiedRanges: ByteRange[];
  timing: { startedAt: string; endedAt: string; durationSeconds: number; bytesWritten: number; throughputBytesPerSecond: number };
  errors: { retried: number; failed: number; messages: string[] };
  outcome: WipeResultLike['outcome'];
  formatted: boolean;
  /** The fresh volume's FAT (FAT16 or FAT12 on a drive too small for FAT32); absent when not formatted. */
  fileSystem?: NonNullable<WipeResultLike['fileSystem']>;
  error: { code: string; message: string } | null;
  sanitization: {
    standard: 'NIST SP 800-88 Rev.2';
    level: NistLevel;
    /** Why the level is None (empty when Clear). */
    reasons: string[];
    /** In one plain sentence: whether the drive was sanitized. */
    statement: string;
    /** Always present: what overwriting flash cannot do. */
    note: string;
  };
}
