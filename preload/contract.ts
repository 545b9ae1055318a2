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
  z.object({ jobId: z.string(), kind: z.string(), outcome: z.literal('succeeded') }),
  z.object({ jobId: z.string(), kind: z.string(), outcome: z.enum(['failed', 'cancelled']), error: ErrorInfoSchema }),
]);
export type JobEnd = z.infer<typeof JobEndSchema>;

const JobIdSchema = z.uuid();

export const invokeContract = defineInvokeContract({
  /** Version, platform, Training mode and elevation of the running app. */
  'app.info': { request: z.strictObject({}), response: AppInfoSchema },
  /** Cancels a running job (write, wipe, monitor); its `job.ended` event follows. */
  'job.cancel': { request: z.strictObject({ jobId: JobIdSchema }), response: z.strictObject({ cancelling: z.literal(true) }) },
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
