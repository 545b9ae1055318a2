import { useCallback, useState } from 'react';
import { AppInfoPanel } from './components/AppInfoPanel';
import { FlowScreen } from './components/FlowScreen';
import { Home } from './components/Home';
import { TrainingBanner } from './components/TrainingBanner';
import { findFlow, type FlowId } from './flows/flows';
import { useAppInfo } from './useAppInfo';

export function App() {
  const appInfo = useAppInfo();
  const [flowId, setFlowId] = useState<FlowId | null>(null);
  const [lastFlow, setLastFlow] = useState<FlowId | null>(null);

  const exitFlow = useCallback(() => {
    setLastFlow(flowId);
    setFlowId(null);
  }, [flowId]);

  const training = flowId === 'training' || (appInfo.status === 'ready' && appInfo.info.trainingMode);

  return (
    <div className="app">
      <header className="app-header">
        <span className="app-header__name">Panorama USB</span>
        <span className="app-header__tagline">Provisioning drives for AWS Panorama appliances</span>
      </header>
      {training ? <TrainingBanner locked={appInfo.status === 'ready' && appInfo.info.trainingModeLocked} /> : null}
      <main className="app-main">
        {flowId === null ? <Home onChoose={setFlowId} returnFocusTo={lastFlow} /> : <FlowScreen flow={findFlow(flowId)} onExit={exitFlow} />}
      </main>
      <AppInfoPanel state={appInfo} />
    </div>
  );
}
