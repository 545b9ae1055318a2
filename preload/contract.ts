/**
 * THE bridge contract: the only shape the renderer and the main process share.
 *
 * Invoke channels map a name to a zod request schema (validated in main before any core call)
 * and a zod response schema (whose type the renderer sees). Event channels map a name to the
 * payload main pushes to the page. Everything else — the preload's exposed API, main's handler
 * table, the preview's HTTP bridge — is derived from these two maps.
 */
import { z } from 'zod';
import type { EventChannel, InvokeChannel } from './channels';

export * from './channels';

interface InvokeSpec {
  request: z.ZodType;
  response: z.ZodType;
}

/** Identity functions that make the compiler check the schemas cover exactly the channel names. */
function defineInvokeContract<T extends Record<InvokeChannel, InvokeSpec>>(contract: T & Record<Exclude<keyof T, InvokeChannel>, never>): T {
  return contract;
}
function defineEventContract<T extends Record<EventChannel, z.ZodType>>(contract: T & Record<Exclude<keyof T, EventChannel>, never>): T {
  return contract;
}

export const ErrorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  nextStep: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  trainingMode: z.boolean(),
  trainingModeLocked: z.boolean(),
  elevated: z.boolean(),
  shell: z.enum(['electron', 'preview', 'cli']),
  versions: z.object({ node: z.string(), electron: z.string().nullable(), chrome: z.string().nullable() }),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const JobProgressSchema = z.object({
  jobId: z.string(),
  phase: z.string(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const JobEndSchema = z.discriminatedUnion('outcome', [
  // The job's result: for kind "write", a WriteResult.
  z.object({ jobId: z.string(), kind: z.string(), outcome: z.literal('succeeded'), result: z.unknown() }),
  z.object({ jobId: z.string(), kind: z.string(), outcome: z.enum(['failed', 'cancelled']), error: ErrorInfoSchema }),
]);
export type JobEnd = z.infer<typeof JobEndSchema>;

const JobIdSchema = z.uuid();

const ReasonSchema = z.object({ code: z.string(), message: z.string() });

export const DriveSchema = z.object({
  path: z.string(),
  kind: z.enum(['usb', 'card', 'internal', 'loop', 'image', 'virtual', 'unknown']),
  description: z.string(),
  size: z.number().nullable(),
  vendor: z.string().nullable(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  bus: z.string().nullable(),
  removable: z.boolean(),
  readOnly: z.boolean(),
  system: z.boolean(),
  virtual: z.boolean(),
  mountpoints: z.array(z.string()),
  partitionTableType: z.enum(['mbr', 'gpt']).nullable(),
  backingFile: z.string().nullable(),
});

export const DriveAssessmentSchema = z.object({ drive: DriveSchema, eligible: z.boolean(), refusals: z.array(ReasonSchema), warnings: z.array(ReasonSchema) });
export type DriveAssessment = z.infer<typeof DriveAssessmentSchema>;

const NetworkSummarySchema = z.object({
  ports: z.array(
    z.object({
      port: z.enum(['Ethernet0', 'Ethernet1']),
      mode: z.enum(['dhcp', 'static', 'unknown']),
      ipAddress: z.string().nullable(),
      mask: z.string().nullable(),
      gateway: z.string().nullable(),
      dns: z.array(z.string()),
      text: z.string(),
    }),
  ),
  ntpServers: z.array(z.string()),
  text: z.string(),
});

export const ArchiveReportSchema = z.object({
  fileName: z.string(),
  deviceName: z.string(),
  size: z.number(),
  sha256: z.string(),
  entries: z.array(z.object({ name: z.string(), size: z.number(), compressedSize: z.number(), kind: z.enum(['network', 'certificate', 'private-key', 'directory', 'other']) })),
  network: NetworkSummarySchema.nullable(),
  certificates: z.array(
    z.object({
      entry: z.string(),
      subject: z.string(),
      issuer: z.string(),
      isCertificateAuthority: z.boolean(),
      validFrom: z.string(),
      validTo: z.string(),
      secondsLeft: z.number(),
      fingerprintSha256: z.string(),
      validityText: z.string(),
    }),
  ),
  certificateExpiresAt: z.string().nullable(),
  warnings: z.array(z.string()),
});
export type ArchiveReport = z.infer<typeof ArchiveReportSchema>;

/** The result of a "write" job, carried by its job.ended event. */
export const WriteResultSchema = z.object({
  target: z.string(),
  fileName: z.string(),
  size: z.number(),
  sha256: z.string(),
  formatted: z.object({ partitionStartLba: z.number(), partitionSectors: z.number(), clusterBytes: z.number(), label: z.string(), fatType: z.literal('FAT32') }).nullable(),
  removedArchives: z.array(z.string()),
  verified: z.literal(true),
  eject: z.object({ attempted: z.boolean(), ejected: z.boolean(), detail: z.string() }),
});
export type WriteResult = z.infer<typeof WriteResultSchema>;

const LocalPathSchema = z.string().min(1).max(4096);

export const invokeContract = defineInvokeContract({
  /** Version, platform, Training mode and elevation of the running app. */
  'app.info': { request: z.strictObject({}), response: AppInfoSchema },
  /** Cancels a running job (write, wipe, monitor); its `job.ended` event follows. */
  'job.cancel': { request: z.strictObject({ jobId: JobIdSchema }), response: z.strictObject({ cancelling: z.literal(true) }) },
  /** Drives with the verdict of the rules; refused ones only with all: true. */
  'drives.list': { request: z.strictObject({ all: z.boolean().default(false) }), response: z.array(DriveAssessmentSchema) },
  /** Inspects an archive the user picked, in memory. */
  'archive.inspect': { request: z.strictObject({ path: LocalPathSchema }), response: ArchiveReportSchema },
  /** Starts writing an archive to a drive; progress on job.progress, the WriteResult on job.ended. */
  'archive.write': {
    request: z.strictObject({ archivePath: LocalPathSchema, drivePath: LocalPathSchema, format: z.boolean().default(true) }),
    response: z.strictObject({ jobId: z.string() }),
  },
});

export const eventContract = defineEventContract({
  'job.progress': JobProgressSchema,
  'job.ended': JobEndSchema,
});

export type InvokeContract = typeof invokeContract;
export type EventContract = typeof eventContract;
export type RequestOf<C extends InvokeChannel> = z.input<InvokeContract[C]['request']>;
export type ParsedRequestOf<C extends InvokeChannel> = z.output<InvokeContract[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<InvokeContract[C]['response']>;
export type EventPayloadOf<E extends EventChannel> = z.output<EventContract[E]>;

/** Every invoke answers with this envelope; errors are data, never thrown across the bridge. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** The one global the page gets: `window.provisioner`. */
export interface ProvisionerApi {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  /** Subscribes to an event channel; returns the function that unsubscribes. Listeners get the payload only. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayloadOf<E>) => void): () => void;
}
