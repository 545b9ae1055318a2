/**
 * The appliance's one USB port in the training world: a drive is plugged in, the simulated
 * appliance runs against the simulator in the background, and every change of its panel is
 * reported. A drive stays in after the appliance is done (green or red), as a real one would,
 * until the trainee unplugs it.
 */
import { refused } from '../errors';
import { runAppliance } from '../simulator/appliance';
import { brokenPanel, copyPanel, readingPanel, registeringPanel, resultPanel, unpluggedPanel, type AppliancePanel } from './panel';

export interface ApplianceSlotOptions {
  endpoint: string;
  /** How often the appliance checks its registration. */
  pollMs: number;
  onChange: (panel: AppliancePanel) => void;
}

interface Run {
  driveId: string;
  controller: AbortController;
  /** Settles (never rejects) once the appliance has stopped touching the drive. */
  done: Promise<void>;
}

export class ApplianceSlot {
  private panel: AppliancePanel = unpluggedPanel();
  private run: Run | null = null;

  constructor(private readonly options: ApplianceSlotOptions) {}

  current(): AppliancePanel {
    return copyPanel(this.panel);
  }

  /** The drive in the port, including while it is being unplugged (the appliance may still be writing to it). */
  pluggedDriveId(): string | null {
    return this.run?.driveId ?? null;
  }

  plug(driveId: string, drivePath: string): AppliancePanel {
    if (this.run !== null) {
      const message =
        this.run.driveId === driveId
          ? `This training drive (${driveId}) is already in the appliance.`
          : `Another training drive (${this.run.driveId}) is already in the appliance: it has one USB port for provisioning.`;
      throw refused('APPLIANCE_BUSY', message, 'Unplug the drive that is in the appliance first.');
    }
    const controller = new AbortController();
    const run: Run = { driveId, controller, done: Promise.resolve() };
    this.run = run;
    // Reports from a run that was unplugged would overwrite the panel of what came after it.
    const live = (): boolean => this.run === run && !controller.signal.aborted;
    this.set(readingPanel(driveId));
    run.done = runAppliance({
      drivePath,
      endpoint: this.options.endpoint,
      signal: controller.signal,
      pollMs: this.options.pollMs,
      onLights: (lights) => {
        // Green and red are shown from the result, once the logs are on the drive: a panel that
        // says "done" must mean the drive can be taken out and read.
        if (lights === 'blue-slow' && live()) this.set(registeringPanel(driveId));
      },
    }).then(
      (result) => {
        if (live()) this.set(resultPanel(driveId, result));
      },
      (error: unknown) => {
        if (live()) this.set(brokenPanel(driveId, error));
      },
    );
    return this.current();
  }

  /** Stops the appliance, waits until it has let go of the drive, and empties the port. */
  async unplug(): Promise<AppliancePanel> {
    const run = this.run;
    if (run === null) return this.current();
    run.controller.abort();
    await run.done;
    if (this.run === run) {
      this.run = null;
      this.set(unpluggedPanel());
    }
    return this.current();
  }

  private set(panel: AppliancePanel): void {
    this.panel = panel;
    this.options.onChange(copyPanel(panel));
  }
}
