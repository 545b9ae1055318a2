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
  driveAccess: z.enum(['direct', 'udisks2', 'authopen', 'images-only']),
  /** "not-run": this platform's drive access is written but has not run on it yet (macOS, Windows). */
  platformSupport: z.enum(['tested', 'not-run']),
  shell: z.enum(['electron', 'preview', 'cli']),
  /** No progress from a drive for this long: "not responding" (PANORAMA_USB_STALL_SECONDS). */
  stallSeconds: z.number().positive(),
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

/** `unmount`: the drive's own mount points, unmounted first if the person goes on (offered for a drive refused only for being mounted). */
/** What `drives.check` found (the CLI's `check --json` document, less the drive). */
export const CapacityCheckSchema = z.object({
  target: z.string(),
  mode: z.enum(['full', 'quick']),
  sizeBytes: z.number(),
  usableBytes: z.number(),
  counterfeit: z.boolean(),
  verdict: z.enum(['genuine', 'limbo', 'wraparound', 'bad-blocks']),
  firstBadOffset: z.number().nullable(),
  blocksChecked: z.number(),
  badBlocks: z.number(),
  dataKept: z.boolean(),
  seconds: z.number(),
});
export type CapacityCheck = z.infer<typeof CapacityCheckSchema>;

/** `displayName`: what people call the drive ("SanDisk Ultra 31 GB (sdb)", "Training drive 2", an image's file name), the one name every screen shows. */
export const DriveAssessmentSchema = z.object({ drive: DriveSchema, displayName: z.string(), eligible: z.boolean(), refusals: z.array(ReasonSchema), warnings: z.array(ReasonSchema), unmount: z.array(z.string()).optional() });
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

/** The site network checklist (`site-checklist --json` prints the same shape): rules a network team can feed to its tooling. */
export const SiteRuleSchema = z.object({
  id: z.enum(['aws-iot', 'panorama-api', 'dns', 'ntp', 'dhcp', 'rtsp-cameras', 'inbound']),
  direction: z.enum(['outbound', 'inbound']),
  protocol: z.enum(['tcp', 'udp', 'tcp+udp', 'any']),
  ports: z.array(z.number().int().min(1).max(65535)),
  action: z.enum(['allow', 'deny']),
  from: z.string(),
  to: z.array(z.string()).min(1),
  why: z.string(),
  reference: z.string(),
});
export const SiteChecklistSchema = z.object({
  region: z.string(),
  rules: z.array(SiteRuleSchema),
  ports: z.array(z.object({ port: z.enum(['Ethernet0', 'Ethernet1']), configuration: z.string(), carries: z.string() })),
  layouts: z.object({ production: z.string(), nonProduction: z.string(), reference: z.string() }),
  warnings: z.array(z.object({ code: z.string(), message: z.string(), reference: z.string() })),
});
export type SiteChecklist = z.infer<typeof SiteChecklistSchema>;

/** The least-privilege IAM policy for a role (`iam-policy --json` carries the same fields). */
export const IamPolicySchema = z.object({
  role: z.enum(['technician', 'it-staff']),
  policy: z.object({
    Version: z.literal('2012-10-17'),
    Statement: z.array(z.object({ Sid: z.string(), Effect: z.literal('Allow'), Action: z.array(z.string()), Resource: z.union([z.string(), z.array(z.string())]) })),
  }),
  actions: z.array(z.string()),
  unscoped: z.array(z.string()),
  notes: z.array(z.string()),
});
export type IamPolicyView = z.infer<typeof IamPolicySchema>;

/** Making a drive safe to remove: whether the OS was asked, whether it did, in words. */
export const EjectResultSchema = z.object({ attempted: z.boolean(), ejected: z.boolean(), detail: z.string() });

/** The result of a "write" job, carried by its job.ended event. */
export const WriteResultSchema = z.object({
  target: z.string(),
  fileName: z.string(),
  size: z.number(),
  sha256: z.string(),
  formatted: z.object({ partitionStartLba: z.number(), partitionSectors: z.number(), clusterBytes: z.number(), label: z.string(), fatType: z.literal('FAT32') }).nullable(),
  removedArchives: z.array(z.string()),
  verified: z.literal(true),
  eject: EjectResultSchema,
});
export type WriteResult = z.infer<typeof WriteResultSchema>;

const LocalPathSchema = z.string().min(1).max(4096);
const SessionIdSchema = z.uuid();
const JobStartedSchema = z.strictObject({ jobId: z.string() });
const optionalSession = { sessionId: SessionIdSchema.optional() };
/** The Training flow asks for the Training world (virtual drives, simulator) even outside Training mode. */
const world = { training: z.boolean().default(false) };
/** The mount points the person agreed to have unmounted (named in the confirmation); a drive mounted anywhere else is refused. */
const unmountConsent = { unmount: z.array(z.string().min(1).max(4096)).max(32).default([]) };

/** Device names as the console and ProvisionDevice accept them. */
const DeviceNameSchema = z.string().regex(/^[a-zA-Z0-9-_]{1,255}$/, 'use letters, digits, - and _ only');
const Ipv4Schema = z.ipv4();
const CidrMaskSchema = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'a dotted mask such as 255.255.255.0');

export const EthernetSettingsSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('dhcp') }),
  z.strictObject({ mode: z.literal('static'), ipAddress: Ipv4Schema, mask: CidrMaskSchema, gateway: Ipv4Schema, dns: z.array(z.string().min(1).max(253)).min(1).max(4) }),
]);
export type EthernetSettings = z.infer<typeof EthernetSettingsSchema>;

export const ProvisionResultSchema = z.object({
  deviceId: z.string(),
  deviceName: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  target: z.string(),
  certificateExpiresAt: z.string().nullable(),
  warnings: z.array(z.string()),
});
export type ProvisionResult = z.infer<typeof ProvisionResultSchema>;

/** A registration state in words (main/core/registration/states.ts, shared with the CLI), `raw` the API's values for support. */
export const RegistrationStateSchema = z.object({ words: z.string(), advice: z.string().nullable(), tone: z.enum(['waiting', 'working', 'done', 'failed']), raw: z.string() });
export const RegistrationChangeSchema = z.object({ jobId: z.string(), at: z.string(), provisioningStatus: z.string(), connectionStatus: z.string(), state: RegistrationStateSchema });
export type RegistrationChange = z.infer<typeof RegistrationChangeSchema>;

export const MonitorResultSchema = z.object({
  deviceId: z.string(),
  deviceName: z.string().nullable(),
  advice: z.string(),
  timeline: z.array(z.object({ at: z.string(), provisioningStatus: z.string(), connectionStatus: z.string() })),
  currentSoftware: z.string().nullable(),
  latestSoftware: z.string().nullable(),
});
export type MonitorResult = z.infer<typeof MonitorResultSchema>;

export const WIPE_METHODS = ['quick', 'zero', 'random', 'random-zero'] as const;
export const VERIFY_MODES = ['last', 'all', 'off'] as const;
export type WipeMethodName = (typeof WIPE_METHODS)[number];

export const SanitizeProgressSchema = z.object({
  jobId: z.string(),
  target: z.string(),
  /** The drive's name for people (DriveAssessment's displayName). */
  displayName: z.string(),
  phase: z.string(),
  pass: z.number(),
  passes: z.number(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type SanitizeProgress = z.infer<typeof SanitizeProgressSchema>;

const ByteRangeSchema = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });

const WrittenCertificateSchema = z.object({ jsonPath: z.string(), pdfPath: z.string(), sha256: z.string() });

export const SanitizeDriveResultSchema = z.object({
  target: z.string(),
  description: z.string(),
  displayName: z.string(),
  outcome: z.enum(['sanitized', 'failed', 'cancelled']),
  method: z.enum(WIPE_METHODS),
  nistLevel: z.enum(['Clear', 'none']),
  verification: z.enum(['passed', 'failed', 'incomplete', 'not-run']),
  /** Bytes [start, end) that could not be written / read back: the drive is not sanitized there. */
  unwrittenRanges: z.array(ByteRangeSchema),
  unverifiedRanges: z.array(ByteRangeSchema),
  durationSeconds: z.number(),
  throughputBytesPerSecond: z.number(),
  error: ErrorInfoSchema.nullable(),
  certificate: WrittenCertificateSchema.nullable(),
  /** Why a certificate asked for was not written (the wipe happened as reported). */
  certificateError: ErrorInfoSchema.nullable(),
});
export const SanitizeResultSchema = z.object({ results: z.array(SanitizeDriveResultSchema) });
export type SanitizeResult = z.infer<typeof SanitizeResultSchema>;

export const ShredReportSchema = z.object({
  results: z.array(z.object({ path: z.string(), outcome: z.string(), guaranteed: z.boolean(), caveat: z.string().nullable() })),
});
export type ShredReport = z.infer<typeof ShredReportSchema>;

/** `unreadable`: logs the drive could not read (bad sectors), named so nobody takes the bundle for complete. */
export const LogBundleSchema = z.object({ bundlePath: z.string(), files: z.number(), unreadable: z.array(z.string()), redactions: z.number(), sha256: z.string() });
export type LogBundle = z.infer<typeof LogBundleSchema>;

export const LeftoverSchema = z.object({ path: z.string(), size: z.number(), modifiedAt: z.string(), reason: z.string() });
export type Leftover = z.infer<typeof LeftoverSchema>;

export const PendingItemSchema = z.object({
  sessionId: z.string(),
  kind: z.enum(['drive-holds-archive', 'local-copy-not-shredded', 'registration-unknown', 'wipe-interrupted', 'journal-unreadable']),
  text: z.string(),
  path: z.string().nullable(),
  deviceId: z.string().nullable(),
  deviceName: z.string().nullable(),
  /** The panorama-usb command line that finishes it, for a terminal; null when only a person can. */
  command: z.string().nullable(),
  /** For a drive: plugged in now (at `foundAt`, perhaps another name), gone, or another drive in its place. */
  driveState: z.enum(['present', 'absent', 'other-drive']).optional(),
  foundAt: z.string().optional(),
});
export type PendingItem = z.infer<typeof PendingItemSchema>;

const AuditVerificationSchema = z.object({ ok: z.boolean(), entries: z.number(), brokenAt: z.number().nullable(), reason: z.string().nullable() });
export const AuditViewSchema = z.object({
  path: z.string(),
  verification: AuditVerificationSchema,
  entries: z.array(z.object({ seq: z.number(), time: z.string(), action: z.string(), outcome: z.string(), subject: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), hash: z.string() })),
});
export type AuditView = z.infer<typeof AuditViewSchema>;

export const AppliancePanelSchema = z.object({
  driveId: z.string().nullable(),
  phase: z.enum(['unplugged', 'reading', 'registering', 'registered', 'failed']),
  lights: z.enum(['off', 'blue-slow', 'green', 'red-fast']),
  message: z.string(),
  deviceId: z.string().nullable(),
  problem: z.object({ code: z.string(), message: z.string() }).nullable(),
  logsWritten: z.array(z.string()),
});
export type AppliancePanel = z.infer<typeof AppliancePanelSchema>;

export const TrainingStateSchema = z.object({
  endpoint: z.string(),
  scenario: z.string(),
  scenarios: z.array(z.object({ name: z.string(), summary: z.string() })),
  drives: z.array(z.object({ id: z.string(), label: z.string(), path: z.string(), size: z.number(), inAppliance: z.boolean() })),
  panel: AppliancePanelSchema,
});
export type TrainingState = z.infer<typeof TrainingStateSchema>;

export const invokeContract = defineInvokeContract({
  /** Version, platform, Training mode and elevation of the running app. */
  'app.info': { request: z.strictObject({}), response: AppInfoSchema },
  /** Cancels a running job (write, wipe, monitor); its `job.ended` event follows. */
  'job.cancel': { request: z.strictObject({ jobId: JobIdSchema }), response: z.strictObject({ cancelling: z.literal(true) }) },
  /** The native open dialog, filtered to configuration archives. null: the user cancelled. */
  'dialog.open-archive': { request: z.strictObject({}), response: z.strictObject({ path: LocalPathSchema.nullable() }) },
  /** The native folder dialog (where certificates, log bundles or an audit export go). */
  'dialog.choose-folder': { request: z.strictObject({ purpose: z.enum(['certificates', 'logs', 'audit-export']) }), response: z.strictObject({ path: LocalPathSchema.nullable() }) },
  /**
   * Drives with the verdict of the rules; refused ones only with all: true. The rules depend on
   * the purpose: 'provision' (written for the appliance: 1 GB or more, the default) or 'sanitize'
   * (erased and reformatted: any size from 3 MiB, without the appliance's warnings).
   */
  'drives.list': { request: z.strictObject({ all: z.boolean().default(false), purpose: z.enum(['provision', 'sanitize']).default('provision'), ...world }), response: z.array(DriveAssessmentSchema) },
  /** Makes a drive safe to remove: powers a USB drive off, detaches a loop device; mounted volumes only those in `unmount`. */
  'drives.eject': { request: z.strictObject({ drivePath: LocalPathSchema, ...unmountConsent, ...world }), response: EjectResultSchema.extend({ unmounted: z.array(z.string()) }) },
  /**
   * The quick capacity check of a drive, keeping its data (what it overwrites is saved and put
   * back): progress on job.progress, a CapacityCheck on job.ended. A counterfeit verdict is kept,
   * and the drive is then refused for provisioning (DRIVE_COUNTERFEIT).
   */
  'drives.check': { request: z.strictObject({ drivePath: LocalPathSchema, ...world }), response: JobStartedSchema },
  /** Inspects an archive the user picked, in memory; with a session, the file is journalled as a local copy. */
  'archive.inspect': { request: z.strictObject({ path: LocalPathSchema, ...optionalSession }), response: ArchiveReportSchema },
  /** Starts writing an archive to a drive; progress on job.progress, the WriteResult on job.ended. */
  'archive.write': {
    request: z.strictObject({ archivePath: LocalPathSchema, drivePath: LocalPathSchema, format: z.boolean().default(true), ...unmountConsent, ...optionalSession, ...world }),
    response: JobStartedSchema,
  },
  /** ProvisionDevice, its archive streamed straight onto the drive (never the local disk); a ProvisionResult on job.ended. */
  'provision.create': {
    request: z.strictObject({
      name: DeviceNameSchema,
      description: z.string().max(255).optional(),
      ethernet0: EthernetSettingsSchema,
      ntpServers: z.array(z.string().min(1).max(253)).max(5).default([]),
      drivePath: LocalPathSchema,
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/).optional(),
      profile: z.string().min(1).max(128).optional(),
      ...unmountConsent,
      ...optionalSession,
      ...world,
    }),
    response: JobStartedSchema,
  },
  /** Follows a device's registration (by id, or by the archive's device name); registration.changed events, a MonitorResult on job.ended. */
  'registration.monitor': {
    request: z.strictObject({ deviceId: z.string().min(1).max(255).optional(), deviceName: DeviceNameSchema.optional(), timeoutSeconds: z.number().int().min(10).max(7200).default(1200), region: z.string().max(64).optional(), profile: z.string().max(128).optional(), ...optionalSession, ...world }),
    response: JobStartedSchema,
  },
  /** The appliance software the device runs and the newest one AWS offers. */
  'software.check': {
    request: z.strictObject({ deviceId: z.string().min(1).max(255), region: z.string().max(64).optional(), profile: z.string().max(128).optional(), ...world }),
    response: z.object({ deviceId: z.string(), current: z.string().nullable(), latest: z.string().nullable(), updateAvailable: z.boolean() }),
  },
  /** Starts the over-the-air update to `imageVersion` and follows its job; status in job.progress phases, { status } on job.ended. */
  'software.update': {
    request: z.strictObject({ deviceId: z.string().min(1).max(255), imageVersion: z.string().min(1).max(255), region: z.string().max(64).optional(), profile: z.string().max(128).optional(), ...world }),
    response: JobStartedSchema,
  },
  /** Copies the appliance's logs from the drive into a redacted support bundle in `folder`. */
  'cleanup.collect-logs': { request: z.strictObject({ drivePath: LocalPathSchema, folder: LocalPathSchema, ...optionalSession, ...world }), response: LogBundleSchema },
  /** Shreds local copies of the archive; says when the storage cannot guarantee it. */
  'cleanup.shred': { request: z.strictObject({ paths: z.array(LocalPathSchema).min(1).max(64), ...optionalSession }), response: ShredReportSchema },
  /** Finds configuration archives left in the usual folders (or those given). */
  'cleanup.scan': { request: z.strictObject({ folders: z.array(LocalPathSchema).max(16).optional() }), response: z.array(LeftoverSchema) },
  /** How long each method would take on this drive. */
  'sanitize.estimate': { request: z.strictObject({ drivePath: LocalPathSchema, ...world }), response: z.record(z.enum(WIPE_METHODS), z.number()) },
  /** Wipes drives in parallel; sanitize.progress per drive, a SanitizeResult on job.ended. */
  'sanitize.start': {
    request: z.strictObject({
      drivePaths: z.array(LocalPathSchema).min(1).max(16),
      method: z.enum(WIPE_METHODS),
      verify: z.enum(VERIFY_MODES).default('last'),
      organisation: z.string().max(200).optional(),
      technician: z.string().max(200).optional(),
      certificateFolder: LocalPathSchema.nullable(),
      ...unmountConsent,
      ...optionalSession,
      ...world,
    }),
    response: JobStartedSchema,
  },
  /**
   * A certificate of sanitization this run wrote, inside a folder chosen in the folder dialog
   * (anything else is refused: CERTIFICATE_NOT_OURS), opened with the desktop's default app or
   * shown in its folder. The desktop app only: the preview answers NOT_AVAILABLE_IN_PREVIEW.
   */
  'certificate.open': { request: z.strictObject({ path: LocalPathSchema, action: z.enum(['open', 'show-in-folder']) }), response: z.strictObject({ done: z.literal(true) }) },
  /** The same certificate's bytes, for the browser to save ("Download"), in every shell. */
  'certificate.download': {
    request: z.strictObject({ path: LocalPathSchema }),
    response: z.strictObject({ fileName: z.string(), mimeType: z.enum(['application/pdf', 'application/json']), base64: z.string() }),
  },
  /** A provisioning session for the journal: what is unfinished after a crash is found by it. */
  'session.start': { request: z.strictObject({ source: z.enum(['import', 'create']) }), response: z.strictObject({ sessionId: z.string() }) },
  'session.finish': { request: z.strictObject({ sessionId: SessionIdSchema }), response: z.strictObject({ finished: z.literal(true) }) },
  /** What earlier sessions left unfinished (a drive still holding an archive, a copy not shredded…). */
  'journal.pending': { request: z.strictObject({}), response: z.array(PendingItemSchema) },
  /** The audit log's latest entries and whether its hash chain holds. */
  'audit.read': { request: z.strictObject({ limit: z.number().int().min(1).max(1000).default(200) }), response: AuditViewSchema },
  'audit.export': { request: z.strictObject({ folder: LocalPathSchema }), response: z.object({ path: z.string(), entries: z.number(), sha256: z.string() }) },
  /** Training mode: the simulator, the virtual drives and the appliance panel. */
  /** The site's firewall and router rules, from an archive (read in memory) or the create form's network settings. */
  'site.checklist': {
    request: z.union([
      z.strictObject({ archivePath: LocalPathSchema, region: z.string().max(64).optional(), ...world }),
      z.strictObject({ ethernet0: EthernetSettingsSchema, ntpServers: z.array(z.string().min(1).max(253)).max(5).default([]), region: z.string().max(64).optional(), ...world }),
    ]),
    response: SiteChecklistSchema,
  },
  /** The IAM policy the app's Panorama calls need, for the help screen's copy button. */
  'help.iam-policy': { request: z.strictObject({ role: z.enum(['technician', 'it-staff']).default('technician') }), response: IamPolicySchema },
  'training.state': { request: z.strictObject({}), response: TrainingStateSchema },
  'training.plug': { request: z.strictObject({ driveId: z.string().regex(/^drive-\d+$/) }), response: AppliancePanelSchema },
  'training.unplug': { request: z.strictObject({}), response: AppliancePanelSchema },
  'training.scenario': { request: z.strictObject({ name: z.string().min(1).max(64) }), response: TrainingStateSchema },
  'training.reset': { request: z.strictObject({}), response: TrainingStateSchema },
  /** Training's stand-in for the console's "Download": creates the device on the simulator and saves its archive where a browser would. */
  'training.console-download': { request: z.strictObject({ name: DeviceNameSchema }), response: z.strictObject({ path: z.string(), deviceId: z.string() }) },
});

export const eventContract = defineEventContract({
  'job.progress': JobProgressSchema,
  'job.ended': JobEndSchema,
  'registration.changed': RegistrationChangeSchema,
  'sanitize.progress': SanitizeProgressSchema,
  'training.panel': AppliancePanelSchema,
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
  /**
   * Where a file dropped on the window lives (Electron's webUtils.getPathForFile); absent where
   * the shell cannot know (the browser preview). The path goes back through archive.inspect.
   */
  pathForFile?: (file: Blob) => string | null;
}
