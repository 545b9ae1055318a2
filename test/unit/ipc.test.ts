import type { IpcMainInvokeEvent } from 'electron';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch, forwardEvents, isTrustedFrameUrl, isTrustedSender, registerIpcHandlers } from '../../main/ipc';
import { createCoreServices } from '../../main/services';
import { AppInfoSchema, INVOKE_CHANNELS, IPC_INVOKE_PREFIX, eventContract, invokeContract, type EventChannel } from '../../preload/contract';
import packageJson from '../../package.json';

const dataDir = mkdtempSync(path.join(tmpdir(), 'ipc-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const services = () => createCoreServices({ shell: 'preview', trainingMode: true, trainingModeLocked: true, dataDir });

describe('the handler table', () => {
  it('answers app.info with real data that matches the contract', async () => {
    const result = await dispatch(createHandlerTable(services()), 'app.info', {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const info = AppInfoSchema.parse(result.value);
    expect(info.version).toBe(packageJson.version);
    expect(info.platform).toBe(process.platform);
    expect(info.trainingMode).toBe(true);
    expect(info.elevated).toBe(process.geteuid?.() === 0);
  });

  it('refuses payloads the contract does not allow, before core runs', async () => {
    const table = createHandlerTable(services());
    const extra = await dispatch(table, 'app.info', { sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const badId = await dispatch(table, 'job.cancel', { jobId: '../../etc/passwd' });
    expect(badId).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    if (!badId.ok) expect(badId.error.message).toContain('jobId');
  });

  it('refuses channels that are not in the contract', async () => {
    const result = await dispatch(createHandlerTable(services()), 'fs.readFile', { path: '/etc/shadow' });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('turns errors thrown by core into typed results', async () => {
    const result = await dispatch(createHandlerTable(services()), 'job.cancel', { jobId: '2b1f8b1e-9a51-4c55-bb1e-6f0f6f0f6f0f' });
    expect(result).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } });
  });

  it('has exactly one handler per contract channel', () => {
    expect(Object.keys(createHandlerTable(services())).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(Object.keys(invokeContract).sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('forwards job events in the shape of the event contract', async () => {
    const core = services();
    const seen: { channel: EventChannel; payload: unknown }[] = [];
    const stop = forwardEvents(core, (channel, payload) => seen.push({ channel, payload }));
    const { result } = core.jobs.start('write', (context) => {
      context.progress('write', 5, 10, { final: true });
      return Promise.resolve();
    });
    await result;
    stop();
    expect(seen.map((event) => event.channel)).toEqual(['job.progress', 'job.ended']);
    for (const event of seen) expect(eventContract[event.channel].safeParse(event.payload).success).toBe(true);
  });
});

describe('the IPC sender check', () => {
  it('trusts only our app:// page', () => {
    expect(isTrustedFrameUrl('app://panorama/index.html')).toBe(true);
    expect(isTrustedFrameUrl('https://panorama/index.html')).toBe(false);
    expect(isTrustedFrameUrl('file:///work/dist/renderer/index.html')).toBe(false);
    expect(isTrustedFrameUrl('app://evil/index.html')).toBe(false);
    expect(isTrustedFrameUrl('not a url')).toBe(false);
    expect(isTrustedFrameUrl(null)).toBe(false);
  });

  it('refuses subframes and destroyed frames even on our origin', () => {
    type Frame = NonNullable<IpcMainInvokeEvent['senderFrame']>;
    const frame = (url: string, parent: unknown): Frame => ({ url, parent }) as unknown as Frame;
    expect(isTrustedSender({ senderFrame: frame('app://panorama/index.html', null) })).toBe(true);
    expect(isTrustedSender({ senderFrame: frame('app://panorama/index.html', {}) })).toBe(false);
    expect(isTrustedSender({ senderFrame: null })).toBe(false);
  });

  it('registers every contract channel and answers foreign senders with UNTRUSTED_SENDER', async () => {
    type Listener = (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>;
    const handlers = new Map<string, Listener>();
    const ipcMain = {
      handle: (channel: string, listener: Listener) => handlers.set(channel, listener),
      removeHandler: (channel: string) => handlers.delete(channel),
    };
    const unregister = registerIpcHandlers(ipcMain, createHandlerTable(services()));
    expect([...handlers.keys()].sort()).toEqual(INVOKE_CHANNELS.map((channel) => `${IPC_INVOKE_PREFIX}${channel}`).sort());

    const appInfo = handlers.get(`${IPC_INVOKE_PREFIX}app.info`);
    const event = (url: string) => ({ senderFrame: { url, parent: null } }) as unknown as IpcMainInvokeEvent;
    await expect(appInfo?.(event('https://attacker.example/'), {})).resolves.toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    await expect(appInfo?.(event('app://panorama/index.html'), {})).resolves.toMatchObject({ ok: true, value: { name: 'panorama-usb' } });
    unregister();
    expect(handlers.size).toBe(0);
  });
});
