import { useEffect, useState } from 'react';
import type { AppInfo, ErrorInfo } from '../preload/contract';
import { getProvisioner } from './bridge';

export type AppInfoState = { status: 'loading' } | { status: 'ready'; info: AppInfo } | { status: 'error'; error: ErrorInfo };

const NO_BRIDGE: ErrorInfo = {
  code: 'BRIDGE_UNAVAILABLE',
  message: "This page is not connected to the app's backend.",
  nextStep: 'Open it from the desktop app or from the URL printed by `npm run preview`.',
};

export function useAppInfo(): AppInfoState {
  const [state, setState] = useState<AppInfoState>(() => (getProvisioner() === null ? { status: 'error', error: NO_BRIDGE } : { status: 'loading' }));
  useEffect(() => {
    const provisioner = getProvisioner();
    if (provisioner === null) return;
    let live = true;
    void provisioner.invoke('app.info', {}).then((result) => {
      if (!live) return;
      setState(result.ok ? { status: 'ready', info: result.value } : { status: 'error', error: result.error });
    });
    return () => {
      live = false;
    };
  }, []);
  return state;
}
