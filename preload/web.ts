/**
 * The browser preview's bridge: the same `window.provisioner`, derived from the same contract,
 * over HTTP to the preview server (which runs main's real handler table). Loaded before the app.
 * Authentication is the HttpOnly cookie the server set when the tokenised URL was opened.
 */
import { createProvisionerApi } from './api';
import type { EventChannel } from './channels';

const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
let source: EventSource | null = null;

function ensureEventSource(channel: EventChannel): void {
  source ??= new EventSource('/api/events');
  if (listeners.has(channel)) return;
  listeners.set(channel, new Set());
  source.addEventListener(channel, (message: MessageEvent<string>) => {
    const payload: unknown = JSON.parse(message.data);
    for (const listener of listeners.get(channel) ?? []) listener(payload);
  });
}

const api = createProvisionerApi({
  async invoke(channel, request) {
    const response = await fetch(`/api/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request ?? {}),
    });
    if (!response.ok && response.headers.get('content-type')?.startsWith('application/json') !== true) {
      throw new Error(`preview server answered HTTP ${response.status}`);
    }
    return (await response.json()) as unknown;
  },
  subscribe(channel, listener) {
    ensureEventSource(channel);
    listeners.get(channel)?.add(listener);
    return () => {
      listeners.get(channel)?.delete(listener);
    };
  },
});

Object.defineProperty(window, 'provisioner', { value: api, writable: false, configurable: false, enumerable: true });
