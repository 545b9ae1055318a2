/**
 * The page's only way to the app: `window.provisioner`, put there by the preload (Electron) or
 * the preview's bridge script. Types come from the contract; nothing of Node or Electron here.
 */
import type { ProvisionerApi } from '../preload/contract';

declare global {
  interface Window {
    readonly provisioner?: ProvisionerApi;
  }
}

export function getProvisioner(): ProvisionerApi | null {
  return window.provisioner ?? null;
}
