import { useEffect, useState } from 'react';
import type { MonitorResult, RegistrationChange } from '../../../preload/contract';
import { Countdown } from '../../components/Countdown';
import { ErrorNotice } from '../../components/ErrorNotice';
import { call } from '../../lib/calls';
import { formatTime } from '../../lib/format';
import { useBridgeEvent, useJob } from '../../lib/hooks';
import { deviceNameOf, type ProvisionState, type Update } from './state';

/** Step 5: where to plug the drive, what the lights mean, and the registration as it happens. */
export function RegisterStep({ state, update }: { state: ProvisionState; update: Update }) {
  const job = useJob();
  const [timeline, setTimeline] = useState<RegistrationChange[]>([]);
  const deviceId = state.created?.deviceId;
  const deviceName = deviceNameOf(state);

  const begin = (): void => {
    void job.start(() =>
      call('registration.monitor', {
        ...(deviceId === undefined ? { deviceName: deviceName ?? '' } : { deviceId }),
        ...(state.sessionId === null ? {} : { sessionId: state.sessionId }),
        training: state.training,
        ...(state.form.region === '' ? {} : { region: state.form.region }),
        ...(state.form.profile === '' ? {} : { profile: state.form.profile }),
      }),
    );
  };
  const watch = (): void => {
    setTimeline([]);
    update({ registration: null, registrationError: null });
    begin();
  };
  useEffect(() => {
    if (state.registration === null && job.status === 'idle') begin();
    // Starts watching once, when the step opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useBridgeEvent('registration.changed', (change) => {
    if (change.jobId === job.jobId) setTimeline((entries) => [...entries, change]);
  });
  useEffect(() => {
    if (job.end === null) return;
    if (job.end.outcome === 'succeeded') update({ registration: job.end.result as MonitorResult, registrationError: null });
    else update({ registrationError: job.end.error });
    // Runs once per finished watch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job.end]);

  const expiresAt = state.created?.certificateExpiresAt ?? state.report?.certificateExpiresAt ?? null;
  // The certificate only has to last until the appliance presents it: once it has begun
  // registering (or the registration has ended either way), its countdown no longer matters.
  // "Waiting" is the shared table's tone for both: nothing reported yet, or the drive not read yet.
  const began = timeline.some((entry) => entry.state.tone !== 'waiting');
  const countdownOver =
    state.registration !== null
      ? 'the appliance has registered, so the certificate was used in time'
      : state.registrationError !== null && state.registrationError.code === 'REGISTRATION_FAILED'
        ? 'the registration has ended (see below)'
        : began
          ? 'the appliance read the drive in time and has begun registering'
          : null;
  return (
    <div>
      <ol className="instructions">
        <li>{state.training ? 'In the appliance panel, plug the training drive into the appliance.' : 'Plug the drive into the appliance\u2019s USB 3.0 port next to the HDMI port, then power the appliance on.'}</li>
        <li>Slow blue light: the appliance is copying its configuration and registering. Solid green: registered. Fast red: registration failed.</li>
        <li>Leave the drive in until the light is solid green (or red).</li>
        {/* AWS Panorama Developer Guide, monitoring page: the service's monitoring job "runs every 30 seconds to determine whether your AWS Panorama Appliance is online". */}
        <li data-testid="online-lag">The online status below can lag the green light by up to 30 seconds: the Panorama service checks whether the appliance is online every 30 seconds.</li>
      </ol>
      <Countdown until={expiresAt} label="The provisioning certificate stays valid for" over={countdownOver} />
      <h3>Registration of {deviceName ?? 'the device'}</h3>
      {job.status === 'running' || job.status === 'starting' ? <p role="status">Watching the registration through the {state.training ? 'simulated ' : ''}Panorama API…</p> : null}
      <ol className="timeline" aria-label="Registration timeline" data-testid="timeline">
        {timeline.map((entry) => (
          <li key={`${entry.at}-${entry.state.raw}`} data-tone={entry.state.tone} title={`API status: ${entry.state.raw}`}>
            <time dateTime={entry.at}>{formatTime(entry.at)}</time> — <span data-testid="timeline-words">{entry.state.words}</span>
            {entry.state.advice === null || entry.state.tone === 'failed' ? null : <p className="note">{entry.state.advice}</p>}
          </li>
        ))}
      </ol>
      {timeline.length === 0 ? null : (
        // The API's own values, for a support call; people read the words above.
        <details className="support-details" data-testid="timeline-raw">
          <summary>Status codes for a support call</summary>
          <ul>
            {timeline.map((entry) => (
              <li key={`${entry.at}-${entry.state.raw}`}>
                <time dateTime={entry.at}>{formatTime(entry.at)}</time> <code>{entry.state.raw}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
      {state.registration === null ? null : (
        <div className="success" role="status" data-testid="registered">
          <p>
            <strong>Registered and online</strong> as <code>{state.registration.deviceId}</code>.
          </p>
          <p>{state.registration.advice}</p>
        </div>
      )}
      <ErrorNotice error={state.registrationError} title="The registration did not complete." />
      {job.status === 'running' ? (
        <button type="button" onClick={job.cancel}>
          Stop watching
        </button>
      ) : (
        <button type="button" onClick={watch} data-testid="watch-again">
          Watch again
        </button>
      )}
    </div>
  );
}
