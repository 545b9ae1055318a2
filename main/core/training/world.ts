/**
 * The Training world that runs inside the app: a Panorama simulator on loopback, a few virtual
 * drives, and a simulated appliance to plug them into — everything a trainee needs to provision
 * with no AWS account and no appliance (AWS ended Panorama support on 31 May 2026). It all lives
 * in <dataDir>/training/, so a trainee's devices and drives are still there after a restart.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { formatTarget, SECTOR_SIZE, type TargetFormatter } from '../disk';
import { MIN_DRIVE_BYTES, type DriveAssessment, type DrivePurpose } from '../drives';
import { failed, refused } from '../errors';
import { SCENARIOS, startSimulator, type ScenarioInfo, type ScenarioName, type Simulator } from '../simulator';
import { ApplianceSlot } from './appliance-slot';
import { assessVirtualDrive, driveSpecs, ensureDrive, oldStickSpec, recreateDrive, removeLeftovers, type DriveSpec, type VirtualDrive } from './drives';
import { copyPanel, type AppliancePanel } from './panel';

export interface TrainingWorldOptions {
  /** The app's data folder; everything lives in <dataDir>/training/. */
  dataDir: string;
  /** Default 3. */
  driveCount?: number;
  /** Default 1 GiB (sparse files): the appliance needs at least 1 GB, so smaller drives would be refused as too small. */
  driveBytes?: number;
  /**
   * Also an old 256 MiB stick after the `driveCount` drives (see OLD_STICK_BYTES): sanitizable,
   * too small for the appliance. The app turns it on; off by default.
   */
  oldStick?: boolean;
  /** Passed to the simulator: multiplies every simulated delay (tests use ~0.02). Default 1. */
  timeScale?: number;
  /** Default 'success'. */
  scenario?: ScenarioName;
  /** Formats the virtual drives; the app passes its worker-thread formatter so the main thread never waits on FatFs. Default: in this thread. */
  formatter?: TargetFormatter;
}

export type TrainingEvents = { panel: [AppliancePanel]; drives: [VirtualDrive[]] };

const DEFAULT_DRIVE_COUNT = 3;
const MAX_DRIVE_COUNT = 16;
const DEFAULT_DRIVE_BYTES = 1024 ** 3;
/** The appliance checks its registration about once a second, at the simulator's pace. */
const POLL_MS = 1000;
/** A floor, so a time scale near 0 does not turn the appliance into a busy loop. */
const MIN_POLL_MS = 20;
/** The simulator signs and checks requests for this region; clients must use it. */
const REGION = 'us-east-1';

function checkOptions(options: TrainingWorldOptions): { driveCount: number; driveBytes: number } {
  const driveCount = options.driveCount ?? DEFAULT_DRIVE_COUNT;
  const driveBytes = options.driveBytes ?? DEFAULT_DRIVE_BYTES;
  const problems: string[] = [];
  if (typeof options.dataDir !== 'string' || options.dataDir === '') problems.push('dataDir must be a folder');
  if (!Number.isInteger(driveCount) || driveCount < 1 || driveCount > MAX_DRIVE_COUNT) problems.push(`driveCount must be 1 to ${MAX_DRIVE_COUNT}, got ${driveCount}`);
  // A drive the rules refuse as too small would teach nothing but that refusal.
  if (!Number.isSafeInteger(driveBytes) || driveBytes < MIN_DRIVE_BYTES || driveBytes % SECTOR_SIZE !== 0) {
    problems.push(`driveBytes must be a whole number of ${SECTOR_SIZE}-byte sectors, at least ${MIN_DRIVE_BYTES}, got ${driveBytes}`);
  }
  if (problems.length > 0) throw refused('TRAINING_OPTIONS_INVALID', `Training mode cannot start: ${problems.join('; ')}.`);
  return { driveCount, driveBytes };
}

function makeFolder(folder: string): void {
  try {
    // 0700: the simulator's state holds its CA key, and the drives hold (simulated) device keys.
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw failed('TRAINING_FOLDER_UNWRITABLE', `The training folder ${folder} cannot be created (${error instanceof Error ? error.message : String(error)}).`, 'Check that the app\'s data folder is writable.', error);
  }
}

export class TrainingWorld {
  readonly events = new EventEmitter<TrainingEvents>();
  readonly endpoint: string;
  /** The region the simulator expects in signed requests. */
  readonly region = REGION;
  private readonly slot: ApplianceSlot;
  private resetting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly simulator: Simulator,
    private readonly specs: readonly DriveSpec[],
    private readonly formatter: TargetFormatter,
    timeScale: number,
  ) {
    this.endpoint = simulator.endpoint;
    this.slot = new ApplianceSlot({
      endpoint: simulator.endpoint,
      pollMs: Math.min(POLL_MS, Math.max(MIN_POLL_MS, Math.round(POLL_MS * timeScale))),
      onChange: (panel) => this.events.emit('panel', panel),
    });
  }

  static async start(options: TrainingWorldOptions): Promise<TrainingWorld> {
    const { driveCount, driveBytes } = checkOptions(options);
    const trainingDir = path.resolve(options.dataDir, 'training');
    const drivesDir = path.join(trainingDir, 'drives');
    makeFolder(drivesDir);
    removeLeftovers(drivesDir);
    const specs = [...driveSpecs(drivesDir, driveCount, driveBytes), ...(options.oldStick === true ? [oldStickSpec(drivesDir, driveCount)] : [])];
    const formatter = options.formatter ?? formatTarget;
    for (const spec of specs) await ensureDrive(spec, formatter);
    const timeScale = options.timeScale ?? 1;
    const simulator = await startSimulator({
      host: '127.0.0.1',
      port: 0,
      region: REGION,
      timeScale,
      scenario: options.scenario ?? 'success',
      statePath: path.join(trainingDir, 'simulator-state.json'),
    });
    return new TrainingWorld(simulator, specs, formatter, timeScale);
  }

  drives(): VirtualDrive[] {
    const plugged = this.slot.pluggedDriveId();
    return this.specs.map((spec) => ({ id: spec.id, label: spec.label, path: spec.path, size: spec.size, inAppliance: spec.id === plugged }));
  }

  /** The virtual drives judged like real ones for `purpose`; the one in the appliance is refused (IN_APPLIANCE). */
  assessments(purpose: DrivePurpose = 'provision'): Promise<DriveAssessment[]> {
    return Promise.all(this.drives().map((drive) => assessVirtualDrive(drive, purpose)));
  }

  isVirtualDrive(drivePath: string): boolean {
    const absolute = path.resolve(drivePath);
    return this.specs.some((spec) => spec.path === absolute);
  }

  scenario(): ScenarioName {
    return this.simulator.scenario;
  }

  /** Takes effect at once: for the service, and for the next drive plugged into the appliance. */
  setScenario(name: ScenarioName): void {
    this.simulator.setScenario(name);
  }

  scenarios(): readonly ScenarioInfo[] {
    return SCENARIOS;
  }

  panel(): AppliancePanel {
    return this.slot.current();
  }

  /** Runs the appliance on the drive in the background; resolves once started, not when registration ends. */
  plugIntoAppliance(driveId: string): AppliancePanel {
    this.assertUsable();
    const spec = this.specs.find((candidate) => candidate.id === driveId);
    if (spec === undefined) {
      throw refused('UNKNOWN_TRAINING_DRIVE', `There is no training drive "${driveId}".`, `Choose one of: ${this.specs.map((candidate) => candidate.id).join(', ')}.`);
    }
    const panel = this.slot.plug(spec.id, spec.path);
    this.events.emit('drives', this.drives());
    return copyPanel(panel);
  }

  /** Stops a running appliance and takes the drive out. */
  async unplugFromAppliance(): Promise<AppliancePanel> {
    const wasPlugged = this.slot.pluggedDriveId() !== null;
    const panel = await this.slot.unplug();
    if (wasPlugged) this.events.emit('drives', this.drives());
    return panel;
  }

  /** Back to the start: appliance empty, no devices, scenario 'success', every drive fresh. */
  reset(): Promise<void> {
    this.assertOpen();
    // Two resets at once would build the same drives twice; the second waits for the first.
    this.resetting ??= this.resetNow().finally(() => {
      this.resetting = null;
    });
    return this.resetting;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.resetting?.catch(() => undefined);
      await this.slot.unplug();
      await this.simulator.close();
    })();
    return this.closing;
  }

  private async resetNow(): Promise<void> {
    await this.unplugFromAppliance();
    this.simulator.reset();
    this.simulator.setScenario('success');
    for (const spec of this.specs) await recreateDrive(spec, this.formatter);
    this.events.emit('drives', this.drives());
    this.events.emit('panel', this.slot.current());
  }

  private assertOpen(): void {
    if (this.closing !== null) throw refused('TRAINING_CLOSED', 'Training mode has been closed.', 'Start Training mode again.');
  }

  private assertUsable(): void {
    this.assertOpen();
    if (this.resetting !== null) throw refused('TRAINING_RESETTING', 'The training world is being reset.', 'Wait for the reset to finish, then plug the drive in again.');
  }
}
