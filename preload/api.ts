/**
 * Builds `window.provisioner` from the contract over any transport: Electron IPC in the app,
 * HTTP in the browser preview. Only contract channels pass; listeners receive payloads only.
 */
import { isEventChannel, isInvokeChannel, type EventChannel, type InvokeChannel } from './channels';
import type { EventPayloadOf, ProvisionerApi, RequestOf, ResponseOf, Result } from './contract';

export interface BridgeTransport {
  invoke(channel: InvokeChannel, request: unknown): Promise<unknown>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

function transportFailure(message: string): Result<never> {
  return { ok: false, error: { code: 'BRIDGE_UNAVAILABLE', message, nextStep: 'Restart the app; if it persists, report the problem.' } };
}

export function createProvisionerApi(transport: BridgeTransport, extras: Pick<ProvisionerApi, 'pathForFile'> = {}): ProvisionerApi {
  const api: ProvisionerApi = {
    ...extras,
    async invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      if (!isInvokeChannel(channel)) {
        return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `"${String(channel)}" is not a channel of the bridge contract.` } };
      }
      try {
        return (await transport.invoke(channel, request)) as Result<ResponseOf<C>>;
      } catch (error) {
        return transportFailure(`The app's backend did not answer: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    on<E extends EventChannel>(channel: E, listener: (payload: EventPayloadOf<E>) => void): () => void {
      if (!isEventChannel(channel)) throw new TypeError(`"${String(channel)}" is not an event channel of the bridge contract.`);
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      return transport.subscribe(channel, (payload) => listener(payload as EventPayloadOf<E>));
    },
  };
  return Object.freeze(api);
}
