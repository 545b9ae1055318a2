/**
 * The channel names of the contract, kept free of zod so the sandboxed preload stays small.
 * contract.ts re-exports them and fails to compile unless its schemas cover exactly these names.
 */
export const INVOKE_CHANNELS = [
  'app.info',
  'job.cancel',
  'dialog.open-archive',
  'dialog.choose-folder',
  'drives.list',
  'drives.eject',
  'drives.check',
  'archive.inspect',
  'archive.write',
  'provision.create',
  'registration.monitor',
  'software.check',
  'software.update',
  'cleanup.collect-logs',
  'cleanup.shred',
  'cleanup.scan',
  'sanitize.estimate',
  'sanitize.start',
  'certificate.open',
  'certificate.download',
  'session.start',
  'session.finish',
  'journal.pending',
  'audit.read',
  'audit.export',
  'training.state',
  'training.plug',
  'training.unplug',
  'training.scenario',
  'training.reset',
  'training.console-download',
  'site.checklist',
  'help.iam-policy',
] as const;
export const EVENT_CHANNELS = ['job.progress', 'job.ended', 'registration.changed', 'sanitize.progress', 'training.panel'] as const;

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];
export type EventChannel = (typeof EVENT_CHANNELS)[number];

/** Wire names on ipcMain/ipcRenderer carry a prefix so nothing else can collide with ours. */
export const IPC_INVOKE_PREFIX = 'provisioner:invoke:';
export const IPC_EVENT_PREFIX = 'provisioner:event:';

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(channel);
}

export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && (EVENT_CHANNELS as readonly string[]).includes(channel);
}
