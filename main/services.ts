/**
 * The core services one running app owns, shared by the Electron main process and the
 * browser preview, so both shells answer the bridge with the same real code: jobs, the audit
 * log and the journal in the app's data folder, the Training world, and the shell's dialogs.
 */
import { EventEmitter } from 'node:events';
import type { PanoramaClient } from '@aws-sdk/client-panorama';
import type { AppliancePanel, RegistrationChange, SanitizeProgress } from '../preload/contract';
import { getAppInfo, PRODUCT, type AppInfo, type Shell } from './core/app';
import { AuditLog } from './core/audit';
import { refuseCounterfeit } from './core/capacity';
import { assessDrive, listDrives, offerUnmount, type DriveAssessment, type DriveKind, type DrivePurpose } from './core/drives';
import { refused } from './core/errors';
import { WrittenFiles } from './core/files';
import { JobRegistry } from './core/jobs';
import { Journal } from './core/journal';
import { inlineFormatter, inlineWriter, offThreadFormatter, offThreadWriter, passEngineFor, type ArchiveWriter, type TargetFormatter } from './core/offthread';
import type { PassEngine } from './core/sanitize/wipe';
import { Records } from './core/records';
import { createPanoramaClient } from './core/registration';
import { TrainingWorld } from './core/training';

/** What Training mode may write: virtual drives only. */
const VIRTUAL_KINDS: readonly DriveKind[] = ['image', 'loop'];

export type FolderPurpose = 'certificates' | 'logs' | 'audit-export';

/** Native dialogs belong to the shell: Electron's dialog module, or the preview's stand-in. */
export interface ShellDialogs {
  openArchive(): Promise<string | null>;
  chooseFolder(purpose: FolderPurpose): Promise<string | null>;
  /** Opens a file the app wrote with the desktop's default app. Callers pass only paths WrittenFiles verified. */
  openPath(file: string): Promise<void>;
  /** Shows a file the app wrote in the desktop's file manager. Callers pass only paths WrittenFiles verified. */
  showInFolder(file: string): Promise<void>;
}

export interface ServicesOptions {
  shell: Shell;
  trainingMode: boolean;
  /** The preview without its explicit flag may never leave Training mode. */
  trainingModeLocked: boolean;
  /** The app's data folder: audit log, journal, Training world. */
  dataDir: string;
  dialogs?: ShellDialogs;
  /** Multiplies the simulator's delays in Training mode (tests speed it up). */
  trainingTimeScale?: number;
  /**
   * Outside Training: the Panorama endpoint to use instead of AWS's regional one (https, or the
   * bundled simulator on 127.0.0.1, as the CLI's --endpoint).
   */
  endpoint?: string;
  /** The built disk worker (dist/main/disk-worker.cjs): archive writes, wipe passes and post-wipe formats then run off this thread. */
  diskWorkerScript?: string;
}

/** Events the bridge forwards besides the jobs' own. */
export interface ServiceEvents {
  'registration.changed': [RegistrationChange];
  'sanitize.progress': [SanitizeProgress];
  'training.panel': [AppliancePanel];
}

export interface ConnectionOptions {
  region?: string | undefined;
  profile?: string | undefined;
}

export interface CoreServices {
  readonly options: ServicesOptions;
  readonly jobs: JobRegistry;
  readonly events: EventEmitter<ServiceEvents>;
  readonly audit: AuditLog;
  readonly journal: Journal;
  /** Audit entries and journal updates that never fail the action they record (problems go to stderr). */
  readonly records: Records;
  readonly dialogs: ShellDialogs;
  /** The folders chosen in the folder dialog and the files (certificates) this run wrote: what the shell may open. */
  readonly writtenFiles: WrittenFiles;
  /** Where archive writes run: a worker thread when the shell gave its script, else inline. */
  readonly archiveWriter: ArchiveWriter;
  /** Who formats a drive after a wipe: the same worker, or inline. */
  readonly targetFormatter: TargetFormatter;
  /** Where wipe passes make, write and read back their pattern: worker threads, or inline. */
  readonly passEngine: PassEngine;
  appInfo(): AppInfo;
  /** Whether a request works in the Training world: always in Training mode, else when the Training flow asks. */
  inTraining(requested: boolean): boolean;
  /** Drives judged by the rules for `purpose` (writing for the appliance by default); in the Training world only its virtual drives. */
  listDrives(all: boolean, training: boolean, purpose?: DrivePurpose): Promise<DriveAssessment[]>;
  /** The drive kinds a request may write (all, unless in the Training world). */
  writableKinds(training: boolean): { allowedKinds?: readonly DriveKind[] };
  /** The Training world (simulator, virtual drives, appliance), started on first use. */
  trainingWorld(): Promise<TrainingWorld>;
  /** A Panorama client: the Training world's simulator in Training mode, AWS otherwise. */
  panoramaClient(connection: ConnectionOptions, training: boolean, options?: { maxAttempts?: number }): Promise<PanoramaClient>;
  close(): Promise<void>;
}

const noDialogs: ShellDialogs = {
  openArchive: () => Promise.reject(refused('DIALOG_NOT_AVAILABLE', 'This window cannot open a file dialog.', 'Drag the archive onto the window instead.')),
  chooseFolder: () => Promise.reject(refused('DIALOG_NOT_AVAILABLE', 'This window cannot open a folder dialog.', 'Use the app or the command line to choose a folder.')),
  openPath: () => Promise.reject(refused('SHELL_NOT_AVAILABLE', 'This window cannot open files on this computer.', 'Use "Download" to save the file, or open it from its folder.')),
  showInFolder: () => Promise.reject(refused('SHELL_NOT_AVAILABLE', 'This window cannot show files in their folder.', 'Use "Download" to save the file, or open its folder yourself.')),
};

export function createCoreServices(options: ServicesOptions): CoreServices {
  const jobs = new JobRegistry();
  const events = new EventEmitter<ServiceEvents>();
  const trainingMode = options.trainingMode || options.trainingModeLocked;
  const inTraining = (requested: boolean): boolean => trainingMode || requested;
  let world: Promise<TrainingWorld> | null = null;

  const audit = AuditLog.open(options.dataDir);
  const journal = Journal.open(options.dataDir);
  const targetFormatter = options.diskWorkerScript === undefined ? inlineFormatter : offThreadFormatter(options.diskWorkerScript);
  const trainingWorld = (): Promise<TrainingWorld> => {
    // The old stick gives the Sanitize flow what IT staff meet every week: a drive too small for the appliance.
    world ??= TrainingWorld.start({ dataDir: options.dataDir, formatter: targetFormatter, oldStick: true, ...(options.trainingTimeScale === undefined ? {} : { timeScale: options.trainingTimeScale }) }).then((started) => {
      started.events.on('panel', (panel) => events.emit('training.panel', panel));
      return started;
    });
    // A failed start is tried again next time rather than remembered forever.
    world.catch(() => {
      world = null;
    });
    return world;
  };

  return {
    options,
    jobs,
    events,
    audit,
    journal,
    records: new Records(options.dataDir, (problem) => console.error(problem), { audit, journal }),
    dialogs: options.dialogs ?? noDialogs,
    writtenFiles: new WrittenFiles(),
    archiveWriter: options.diskWorkerScript === undefined ? inlineWriter : offThreadWriter(options.diskWorkerScript),
    targetFormatter,
    passEngine: passEngineFor(options.diskWorkerScript),
    appInfo: () => getAppInfo({ name: PRODUCT.name, version: PRODUCT.version, shell: options.shell, trainingMode: options.trainingMode, trainingModeLocked: options.trainingModeLocked }),
    inTraining,
    listDrives: async (all, requested, purpose = 'provision') => {
      if (inTraining(requested)) {
        const virtual = (await (await trainingWorld()).assessments(purpose)).map((assessment) => refuseCounterfeit(assessment, purpose, options.dataDir));
        return all ? virtual : virtual.filter((assessment) => assessment.eligible);
      }
      // A drive refused only for being mounted is offered with its volumes named: they are unmounted only if the person goes on.
      // One a capacity check found counterfeit is never offered for provisioning.
      const assessments = (await listDrives()).map((drive) => refuseCounterfeit(offerUnmount(assessDrive(drive, purpose)), purpose, options.dataDir));
      return all ? assessments : assessments.filter((assessment) => assessment.eligible);
    },
    writableKinds: (requested) => (inTraining(requested) ? { allowedKinds: VIRTUAL_KINDS } : {}),
    trainingWorld,
    panoramaClient: async (connection, requested, clientOptions = {}) => {
      if (inTraining(requested)) {
        // The simulator checks the signing region: a user's AWS_REGION must not leak into Training.
        const started = await trainingWorld();
        return createPanoramaClient({ endpoint: started.endpoint, region: started.region, ...clientOptions });
      }
      return createPanoramaClient({ ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }), ...(connection.region === undefined ? {} : { region: connection.region }), ...(connection.profile === undefined ? {} : { profile: connection.profile }), ...clientOptions });
    },
    close: async () => {
      for (const job of jobs.list()) jobs.cancel(job.jobId);
      if (world !== null) await (await world.catch(() => null))?.close();
    },
  };
}
