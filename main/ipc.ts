/**
 * Contract channel -> core call. The handler table is transport-agnostic: Electron's ipcMain
 * serves it to the app's window, the preview server serves it over HTTP. Every call is
 * validated against the contract's zod schema before core sees it, and every outcome is a
 * typed Result — errors are data, never a thrown Electron error with a mangled message.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import {
  INVOKE_CHANNELS,
  IPC_EVENT_PREFIX,
  IPC_INVOKE_PREFIX,
  invokeContract,
  isInvokeChannel,
  type EventChannel,
  type EventPayloadOf,
  type InvokeChannel,
  type Result,
} from '../preload/contract';
import { refused, toPanoramaUsbError } from './core/errors';
import { archiveHandlers } from './handlers/archive';
import { certificateHandlers } from './handlers/certificates';
import { siteHandlers } from './handlers/site';
import { cleanupHandlers } from './handlers/cleanup';
import { driveHandlers } from './handlers/drives';
import { journalHandlers } from './handlers/journal';
import { provisionHandlers } from './handlers/provision';
import { sanitizeHandlers } from './handlers/sanitize';
import type { Handler } from './handlers/support';
import { trainingHandlers } from './handlers/training';
import type { CoreServices } from './services';

export type { Handler };
export type HandlerTable = { readonly [C in InvokeChannel]: Handler<C> };

export function createHandlerTable(services: CoreServices): HandlerTable {
  return {
    'app.info': () => services.appInfo(),
    'job.cancel': ({ jobId }) => {
      services.jobs.cancel(jobId);
      return { cancelling: true as const };
    },
    'dialog.open-archive': async () => ({ path: await services.dialogs.openArchive() }),
    'dialog.choose-folder': async ({ purpose }) => {
      const chosen = await services.dialogs.chooseFolder(purpose);
      // Remembered: only files in a folder the person chose here may later be opened by the shell.
      if (chosen !== null) await services.writtenFiles.rememberFolder(purpose, chosen);
      return { path: chosen };
    },
    ...driveHandlers(services),
    ...archiveHandlers(services),
    ...provisionHandlers(services),
    ...cleanupHandlers(services),
    ...sanitizeHandlers(services),
    ...certificateHandlers(services),
    ...journalHandlers(services),
    ...trainingHandlers(services),
    ...siteHandlers(services),
  };
}

function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'request'}: ${issue.message}`)
    .join('; ');
}

/** Validates the payload, runs the handler, and wraps the outcome. Never throws. */
export async function dispatch(table: HandlerTable, channel: string, payload: unknown): Promise<Result<unknown>> {
  if (!isInvokeChannel(channel)) {
    return { ok: false, error: refused('UNKNOWN_CHANNEL', `"${channel}" is not a channel of the bridge contract.`).toInfo() };
  }
  const parsed = invokeContract[channel].request.safeParse(payload);
  if (!parsed.success) {
    return {
      ok: false,
      error: refused('INVALID_REQUEST', `The request for ${channel} is not valid: ${describeZodError(parsed.error)}.`, 'This is a bug in the app; nothing was changed.').toInfo(),
    };
  }
  try {
    const handler = table[channel] as (request: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: toPanoramaUsbError(error).toInfo() };
  }
}

/** Our page is served from app://panorama/ only; any other frame (a foreign page, a subframe) is refused. */
export const APP_ORIGIN = 'app://panorama';

export function isTrustedFrameUrl(url: string | undefined | null): boolean {
  if (typeof url !== 'string') return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'app:' && parsed.host === 'panorama';
  } catch {
    return false;
  }
}

export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  // A null frame is one that navigated away or was destroyed: its message can't be attributed.
  return frame !== null && frame.parent === null && isTrustedFrameUrl(frame.url);
}

/** Registers exactly the contract's invoke channels on ipcMain; returns a function that removes them. */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, table: HandlerTable): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(`${IPC_INVOKE_PREFIX}${channel}`, async (event, payload: unknown) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: refused('UNTRUSTED_SENDER', 'The request did not come from the app\'s own page and was refused.').toInfo() };
      }
      return dispatch(table, channel, payload);
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(`${IPC_INVOKE_PREFIX}${channel}`);
  };
}

export type EventSink = <E extends EventChannel>(channel: E, payload: EventPayloadOf<E>) => void;

/** Forwards core events to a transport (a window's webContents, the preview's event stream). */
export function forwardEvents(services: CoreServices, sink: EventSink): () => void {
  const onProgress = (payload: EventPayloadOf<'job.progress'>): void => sink('job.progress', payload);
  const onEnded = (payload: EventPayloadOf<'job.ended'>): void => sink('job.ended', payload);
  const onRegistration = (payload: EventPayloadOf<'registration.changed'>): void => sink('registration.changed', payload);
  const onSanitize = (payload: EventPayloadOf<'sanitize.progress'>): void => sink('sanitize.progress', payload);
  const onPanel = (payload: EventPayloadOf<'training.panel'>): void => sink('training.panel', payload);
  services.jobs.events.on('progress', onProgress);
  services.jobs.events.on('ended', onEnded);
  services.events.on('registration.changed', onRegistration);
  services.events.on('sanitize.progress', onSanitize);
  services.events.on('training.panel', onPanel);
  return () => {
    services.jobs.events.off('progress', onProgress);
    services.jobs.events.off('ended', onEnded);
    services.events.off('registration.changed', onRegistration);
    services.events.off('sanitize.progress', onSanitize);
    services.events.off('training.panel', onPanel);
  };
}

export function ipcEventChannel(channel: EventChannel): string {
  return `${IPC_EVENT_PREFIX}${channel}`;
}
