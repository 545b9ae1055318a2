/**
 * The appliance panel a trainee watches: which drive is in, the light, and what is happening in
 * plain words. Built from what the simulated appliance reports (its lights, then its result), so
 * the panel never claims more than the appliance knows.
 */
import { toPanoramaUsbError } from '../errors';
import type { ApplianceResult, Lights } from '../simulator/appliance';

export type AppliancePhase = 'unplugged' | 'reading' | 'registering' | 'registered' | 'failed';

export interface AppliancePanel {
  driveId: string | null;
  phase: AppliancePhase;
  lights: Lights;
  message: string;
  deviceId: string | null;
  problem: { code: string; message: string } | null;
  logsWritten: string[];
}

export function unpluggedPanel(): AppliancePanel {
  return { driveId: null, phase: 'unplugged', lights: 'off', message: 'No drive in the appliance. Plug a training drive in to start.', deviceId: null, problem: null, logsWritten: [] };
}

export function readingPanel(driveId: string): AppliancePanel {
  return { driveId, phase: 'reading', lights: 'off', message: 'Reading the drive…', deviceId: null, problem: null, logsWritten: [] };
}

/**
 * The appliance turns its light slow blue as it starts on the drive and keeps it blue until the
 * end. Reading the archive takes milliseconds, registering tens of seconds: what a trainee waits
 * for under the blue light is the registration, so that is what the panel says.
 */
export function registeringPanel(driveId: string): AppliancePanel {
  return { driveId, phase: 'registering', lights: 'blue-slow', message: 'Registering with the (simulated) AWS cloud — slow blue light', deviceId: null, problem: null, logsWritten: [] };
}

export function resultPanel(driveId: string, result: ApplianceResult): AppliancePanel {
  if (result.outcome === 'registered') {
    return {
      driveId,
      phase: 'registered',
      lights: result.lights,
      // The id reads "device-…" already: "device device-…" said the word twice.
      message: result.deviceId === null ? 'Registered: green light' : `Registered as ${result.deviceId}: green light`,
      deviceId: result.deviceId,
      problem: null,
      logsWritten: [...result.logsWritten],
    };
  }
  const problem = result.problem ?? { code: 'APPLIANCE_FAILED', message: 'The appliance could not register.' };
  return { driveId, phase: 'failed', lights: result.lights, message: problem.message, deviceId: result.deviceId, problem: { ...problem }, logsWritten: [...result.logsWritten] };
}

/**
 * The appliance stopped without a result (the simulator stopped answering, or the drive could
 * not be prepared): the real one would blink red, so the panel does too.
 */
export function brokenPanel(driveId: string, error: unknown): AppliancePanel {
  const { code, message } = toPanoramaUsbError(error);
  return { driveId, phase: 'failed', lights: 'red-fast', message, deviceId: null, problem: { code, message }, logsWritten: [] };
}

export function copyPanel(panel: AppliancePanel): AppliancePanel {
  return { ...panel, problem: panel.problem === null ? null : { ...panel.problem }, logsWritten: [...panel.logsWritten] };
}
