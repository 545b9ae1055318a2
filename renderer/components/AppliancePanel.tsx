import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppliancePanel as Panel, ErrorInfo, TrainingState } from '../../preload/contract';
import { call, toErrorInfo } from '../lib/calls';
import { useAction, useBridgeEvent } from '../lib/hooks';
import { ErrorNotice } from './ErrorNotice';

const LIGHT_WORDS: Readonly<Record<Panel['lights'], string>> = {
  off: 'Off',
  'blue-slow': 'Blue, blinking slowly: copying the configuration and registering',
  green: 'Solid green: registered and online',
  'red-fast': 'Red, blinking fast: registration failed',
};

/** "update-available" → "Update available": the scenario's name as a title. */
export function scenarioTitle(name: string): string {
  const words = name.replace(/-/g, ' ').replace(/\bfat32\b/g, 'FAT32');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The simulated appliance, standing in for the hardware in Training: plug a virtual drive in,
 * watch the lights as the appliance's guide describes them, pick the trainer's scenario, and
 * reset the whole training world.
 */
export function AppliancePanel({ showTrainerControls }: { showTrainerControls: boolean }) {
  const [state, setState] = useState<TrainingState | null>(null);
  const [panel, setPanel] = useState<Panel | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const action = useAction();
  const busy = action.busy;

  const [resetting, setResetting] = useState(false);

  // One loader for the first load and every refresh. Answers may come back out of order (a
  // panel event's refresh racing an action's): only the latest asked is shown, and none once the
  // panel has gone.
  const live = useRef(true);
  const asked = useRef(0);
  const load = useCallback((): Promise<void> => {
    const ticket = ++asked.current;
    const current = (): boolean => live.current && ticket === asked.current;
    return call('training.state', {}).then(
      (next) => {
        if (!current()) return;
        setState(next);
        setPanel(next.panel);
      },
      (failure: unknown) => {
        if (current()) setError(toErrorInfo(failure));
      },
    );
  }, []);
  useEffect(() => {
    live.current = true;
    void load();
    return () => {
      live.current = false;
    };
  }, [load]);
  useBridgeEvent('training.panel', (next) => {
    setPanel(next);
    void load();
  });

  const act = (work: () => Promise<unknown>): void => {
    action.run(async () => {
      await work();
      await load();
    });
  };
  // Re-making three drives takes seconds on a busy machine: say so while it runs.
  const reset = (): void => {
    setResetting(true);
    act(() => call('training.reset', {}).finally(() => setResetting(false)));
  };

  if (state === null || panel === null) return <aside className="appliance" aria-label="Simulated appliance">{error === null ? 'Starting the training world…' : <ErrorNotice error={error} />}</aside>;
  const plugged = state.drives.find((drive) => drive.inAppliance) ?? null;
  return (
    <aside className="appliance" aria-labelledby="appliance-title" data-testid="appliance-panel">
      <h2 id="appliance-title">Simulated appliance</h2>
      <div className="appliance__front">
        <span className={`light light--${panel.lights}`} aria-hidden="true" />
        <p data-testid="appliance-lights" data-lights={panel.lights}>
          Status light: {LIGHT_WORDS[panel.lights]}
        </p>
      </div>
      <p role="status" data-testid="appliance-message" data-phase={panel.phase}>
        {panel.message}
      </p>
      {panel.problem === null ? null : <p className="warning">Problem reported by the appliance: {panel.problem.message} ({panel.problem.code})</p>}
      {plugged === null ? (
        <ul className="appliance__drives">
          {state.drives.map((drive) => (
            <li key={drive.id}>
              <button type="button" disabled={busy} onClick={() => act(() => call('training.plug', { driveId: drive.id }))} data-testid={`plug-${drive.id}`}>
                Plug {drive.label} into the appliance
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <button type="button" disabled={busy} onClick={() => act(() => call('training.unplug', {}))} data-testid="unplug">
          Unplug {plugged.label} from the appliance
        </button>
      )}
      {showTrainerControls ? (
        <div className="appliance__trainer">
          <label htmlFor="scenario">Trainer's scenario</label>
          {/* Short names in the list (a long option is cut off by the closed select); the chosen one's summary below it. */}
          <select id="scenario" value={state.scenario} disabled={busy} onChange={(event) => act(() => call('training.scenario', { name: event.target.value }))} aria-describedby="scenario-summary" data-testid="scenario">
            {state.scenarios.map((scenario) => (
              <option key={scenario.name} value={scenario.name}>
                {scenarioTitle(scenario.name)}
              </option>
            ))}
          </select>
          <p id="scenario-summary" className="note" data-testid="scenario-summary">
            {state.scenarios.find((scenario) => scenario.name === state.scenario)?.summary ?? ''}
          </p>
          <button type="button" disabled={busy} onClick={reset} data-testid="reset-world" data-resetting={resetting}>
            {resetting ? 'Resetting the training world…' : 'Reset the training world'}
          </button>
        </div>
      ) : null}
      <ErrorNotice error={action.error ?? error} />
    </aside>
  );
}
