/**
 * What the provisioning journal remembers about a session: enough to say, after a crash, which
 * drive still holds an archive, which local copy was not shredded, which registration was left
 * unwatched. Hashes, ids and paths only: never the archive or its certificate.
 */
import { z } from 'zod';

export type RegistrationState = 'not-started' | 'in-progress' | 'registered' | 'failed';

export interface JournalArchive {
  fileName: string;
  sha256: string;
  size: number;
}

export interface JournalLocalCopy {
  path: string;
  shredded: boolean;
}

export interface JournalDrive {
  path: string;
  /** What the wizard called it ("Training drive 1", "SanDisk Ultra 31 GB (sdb)"); absent from the command line, which names drives by path. */
  name?: string;
  model: string | null;
  serial: string | null;
  size: number | null;
}

/** A wipe begun on a drive and not yet ended: a process killed meanwhile left the drive part-erased. */
export interface JournalWipe {
  method: 'quick' | 'zero' | 'random' | 'random-zero';
  verify: 'last' | 'all' | 'off';
}

export interface JournalSession {
  id: string;
  startedAt: string;
  updatedAt: string;
  source: 'import' | 'create' | null;
  deviceName: string | null;
  deviceId: string | null;
  archive: JournalArchive | null;
  /** Archive files on this computer. */
  localCopies: JournalLocalCopy[];
  drive: JournalDrive | null;
  /** True after a write, false after sanitize or removal. */
  driveHoldsArchive: boolean;
  registration: RegistrationState;
  driveSanitized: boolean;
  /** The user reached the receipt or dismissed the session. */
  finished: boolean;
  /** Who began the session: the wizard (absent in sessions written before the CLI kept a journal) or a CLI command. */
  origin?: 'app' | 'cli';
  /** The Panorama endpoint the session's device lives behind, when not AWS's own (the simulator): `monitor` needs it to finish a registration. */
  endpoint?: string | null;
  /** Set right before a wipe starts, cleared when it ends, whatever its outcome. */
  wiping?: JournalWipe | null;
}

/** What a caller may set when a session begins (the journal sets id and times). */
export type JournalInit = Partial<Omit<JournalSession, 'id' | 'startedAt' | 'updatedAt'>>;
/** What a caller may change later; updatedAt is always stamped by the journal itself. */
export type JournalPatch = Partial<Omit<JournalSession, 'id' | 'startedAt'>>;

export type PendingKind = 'drive-holds-archive' | 'local-copy-not-shredded' | 'registration-unknown' | 'wipe-interrupted' | 'journal-unreadable';

export interface PendingItem {
  sessionId: string;
  kind: PendingKind;
  /** One sentence a person can act on. */
  text: string;
  path: string | null;
  deviceId: string | null;
  deviceName: string | null;
  /** The command line that finishes it (`panorama-usb sanitize /dev/sdb --method zero`), or null when only a person can. */
  command: string | null;
}

/** Ids are file names: only UUID-like tokens, so an id can never reach outside the journal folder. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date');
const size = z.number().int().nonnegative();

/** Typed against JournalSession so the schema and the interface cannot drift apart. */
export const JournalSessionSchema: z.ZodType<JournalSession> = z.strictObject({
  id: z.string().regex(SESSION_ID_PATTERN),
  startedAt: timestamp,
  updatedAt: timestamp,
  source: z.enum(['import', 'create']).nullable(),
  deviceName: z.string().nullable(),
  deviceId: z.string().nullable(),
  archive: z.strictObject({ fileName: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), size }).nullable(),
  localCopies: z.array(z.strictObject({ path: z.string().min(1), shredded: z.boolean() })),
  drive: z.strictObject({ path: z.string().min(1), name: z.string().min(1).max(300).optional(), model: z.string().nullable(), serial: z.string().nullable(), size: size.nullable() }).nullable(),
  driveHoldsArchive: z.boolean(),
  registration: z.enum(['not-started', 'in-progress', 'registered', 'failed']),
  driveSanitized: z.boolean(),
  finished: z.boolean(),
  origin: z.enum(['app', 'cli']).optional(),
  endpoint: z.string().nullable().optional(),
  wiping: z.strictObject({ method: z.enum(['quick', 'zero', 'random', 'random-zero']), verify: z.enum(['last', 'all', 'off']) }).nullable().optional(),
});

export const JOURNAL_FILE_VERSION = 1;

/** The file wraps the session with a version, so a later format can be told apart rather than misread. */
export const JournalFileSchema = z.strictObject({
  version: z.literal(JOURNAL_FILE_VERSION),
  session: JournalSessionSchema,
});
