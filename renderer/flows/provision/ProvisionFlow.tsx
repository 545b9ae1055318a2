import { useCallback, useRef, useState } from 'react';
import { AppliancePanel } from '../../components/AppliancePanel';
import { DrivePicker } from '../../components/DrivePicker';
import { FlowLayout } from '../../components/FlowLayout';
import { call } from '../../lib/calls';
import type { FlowDefinition } from '../flows';
import { CleanupStep } from './CleanupStep';
import { DoneStep } from './DoneStep';
import { RegisterStep } from './RegisterStep';
import { ReviewStep } from './ReviewStep';
import { SourceStep } from './SourceStep';
import { formProblems, initialState, type ProvisionState } from './state';
import { WriteStep } from './WriteStep';

/**
 * The provision wizard (and, with `training`, the Training flow: a scenario step first and the
 * appliance panel beside every step). One session in the journal per run, started at the first
 * action, so a crash anywhere after it leaves a pending clean-up on the home screen.
 */
export function ProvisionFlow({ flow, training, onExit }: { flow: FlowDefinition; training: boolean; onExit: () => void }) {
  const [state, setState] = useState<ProvisionState>(() => initialState(training));
  const [index, setIndex] = useState(0);
  const sessionRef = useRef<Promise<string> | null>(null);
  const update = useCallback((patch: Partial<ProvisionState>) => setState((current) => ({ ...current, ...patch })), []);
  const ensureSession = useCallback(
    (source: 'import' | 'create'): Promise<string> => {
      sessionRef.current ??= call('session.start', { source }).then(({ sessionId }) => {
        update({ sessionId });
        return sessionId;
      });
      const started = sessionRef.current;
      started.catch(() => {
        sessionRef.current = null;
      });
      return started;
    },
    [update],
  );

  const step = flow.steps[index];
  const stepId = step?.id ?? 'source';
  const written = state.written !== null || state.created !== null;
  const canAdvance = ((): boolean => {
    switch (stepId) {
      case 'source':
        return state.source === 'import' ? state.report !== null : Object.keys(formProblems(state.form)).length === 0;
      case 'drive':
        return state.drive !== null;
      case 'write':
        return written;
      case 'register':
        return state.registration !== null || state.registrationError !== null;
      default:
        return true;
    }
  })();
  const last = index === flow.steps.length - 1;
  const finish = async (): Promise<void> => {
    if (state.sessionId !== null) await call('session.finish', { sessionId: state.sessionId }).catch(() => undefined);
    onExit();
  };

  const body = (() => {
    switch (stepId) {
      case 'scenario':
        return (
          <p>
            Choose the trainer&rsquo;s scenario in the appliance panel: it decides what the simulated service and appliance do (a smooth registration, an expired certificate, a drive the appliance cannot read…). &ldquo;Reset the training world&rdquo; starts again from clean drives.
          </p>
        );
      case 'source':
        return <SourceStep state={state} update={update} ensureSession={ensureSession} />;
      case 'review':
        return <ReviewStep state={state} update={update} />;
      case 'drive':
        return written ? (
          <p>Already written to {state.drive?.displayName}.</p>
        ) : (
          <DrivePicker training={training} purpose="provision" multiple={false} legend={training ? 'Virtual drive to write' : 'Drive to write'} selected={state.drive === null ? [] : [state.drive.drive.path]} onChange={(_paths, assessments) => update({ drive: assessments[0] ?? null })} />
        );
      case 'write':
        return <WriteStep state={state} update={update} ensureSession={ensureSession} />;
      case 'register':
        return <RegisterStep state={state} update={update} />;
      case 'clean-up':
        return <CleanupStep state={state} update={update} />;
      default:
        return <DoneStep state={state} />;
    }
  })();

  return (
    <FlowLayout
      flowId={flow.id}
      title={flow.title}
      steps={flow.steps}
      currentIndex={index}
      aside={training ? <AppliancePanel showTrainerControls /> : undefined}
      {...(state.sessionId === null ? { onEscape: onExit } : {})}
      actions={
        <>
          <button type="button" onClick={onExit} data-testid="back-home">
            {state.sessionId === null ? 'Back to home' : 'Leave (unfinished work stays listed on the home screen)'}
          </button>
          {index > 0 && !(written && ['write', 'register', 'clean-up', 'done'].includes(stepId)) ? (
            <button type="button" onClick={() => setIndex(index - 1)} data-testid="back">
              Back
            </button>
          ) : null}
          {last ? (
            <button type="button" className="primary" onClick={() => void finish()} data-testid="finish">
              Finish
            </button>
          ) : (
            <button type="button" className="primary" disabled={!canAdvance} onClick={() => setIndex(index + 1)} data-testid="next">
              Next
            </button>
          )}
        </>
      }
    >
      {body}
    </FlowLayout>
  );
}
