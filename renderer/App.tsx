import { useCallback, useState } from 'react';
import { AppInfoPanel } from './components/AppInfoPanel';
import { AuditView } from './components/AuditView';
import { Home } from './components/Home';
import { PendingWork } from './components/PendingWork';
import { PermissionsView } from './components/PermissionsView';
import { TrainingBanner } from './components/TrainingBanner';
import { findFlow, type FlowId } from './flows/flows';
import { ProvisionFlow } from './flows/provision/ProvisionFlow';
import { SanitizeFlow } from './flows/sanitize/SanitizeFlow';
import { useAppInfo } from './useAppInfo';

type Screen = { kind: 'home' } | { kind: 'flow'; flow: FlowId; preselected?: string[]; sessionId?: string } | { kind: 'audit' } | { kind: 'permissions' };

export function App() {
  const appInfo = useAppInfo();
  const [screen, setScreen] = useState<Screen>({ kind: 'home' });
  const [lastFlow, setLastFlow] = useState<FlowId | null>(null);

  const goHome = useCallback(() => {
    setScreen((current) => {
      if (current.kind === 'flow') setLastFlow(current.flow);
      return { kind: 'home' };
    });
  }, []);

  const trainingMode = appInfo.status === 'ready' && appInfo.info.trainingMode;
  const flowId = screen.kind === 'flow' ? screen.flow : null;
  const training = flowId === 'training' || trainingMode;

  const content = (() => {
    if (screen.kind === 'audit') return <AuditView onExit={goHome} />;
    if (screen.kind === 'permissions') return <PermissionsView onExit={goHome} />;
    if (screen.kind === 'flow') {
      const flow = findFlow(screen.flow);
      if (screen.flow === 'sanitize') return <SanitizeFlow key="sanitize" flow={flow} training={trainingMode} onExit={goHome} {...(screen.preselected === undefined ? {} : { preselected: screen.preselected })} {...(screen.sessionId === undefined ? {} : { sessionId: screen.sessionId })} />;
      return <ProvisionFlow key={screen.flow} flow={flow} training={training} onExit={goHome} />;
    }
    return (
      <>
        <Home onChoose={(flow) => setScreen({ kind: 'flow', flow })} returnFocusTo={lastFlow} />
        <PendingWork onSanitize={(drivePath, sessionId) => setScreen({ kind: 'flow', flow: 'sanitize', preselected: [drivePath], sessionId })} />
        <p className="home-links">
          <button type="button" className="link" onClick={() => setScreen({ kind: 'audit' })} data-testid="open-audit">
            Audit log
          </button>{' '}
          <button type="button" className="link" onClick={() => setScreen({ kind: 'permissions' })} data-testid="open-permissions">
            AWS permissions (IAM policy)
          </button>
        </p>
      </>
    );
  })();

  return (
    <div className="app">
      <header className="app-header">
        <span className="app-header__name">Panorama USB</span>
        <span className="app-header__tagline">Provisioning drives for AWS Panorama appliances</span>
      </header>
      {training ? <TrainingBanner locked={appInfo.status === 'ready' && appInfo.info.trainingModeLocked} /> : null}
      <main className="app-main">{content}</main>
      <AppInfoPanel state={appInfo} />
    </div>
  );
}
