/**
 * The core services one running app owns, shared by the Electron main process and the
 * browser preview, so both shells answer the bridge with the same real code.
 */
import { getAppInfo, PRODUCT, type AppInfo, type Shell } from './core/app';
import { assessDrive, listDrives, type DriveAssessment, type DriveKind } from './core/drives';
import { JobRegistry } from './core/jobs';

/** What Training mode may write: virtual drives only. */
const VIRTUAL_KINDS: readonly DriveKind[] = ['image', 'loop'];

export interface ServicesOptions {
  shell: Shell;
  trainingMode: boolean;
  /** The preview without its explicit flag may never leave Training mode. */
  trainingModeLocked: boolean;
}

export interface CoreServices {
  readonly options: ServicesOptions;
  readonly jobs: JobRegistry;
  appInfo(): AppInfo;
  /** Drives judged by the rules; in Training mode only virtual drives are offered. */
  listDrives(all: boolean): Promise<DriveAssessment[]>;
  /** The drive kinds this session may write (all, unless in Training mode). */
  writableKinds(): { allowedKinds?: readonly DriveKind[] };
}

export function createCoreServices(options: ServicesOptions): CoreServices {
  const jobs = new JobRegistry();
  return {
    options,
    jobs,
    appInfo: () => getAppInfo({ name: PRODUCT.name, version: PRODUCT.version, ...options }),
    listDrives: async (all) => {
      const training = options.trainingMode || options.trainingModeLocked;
      const assessments = (await listDrives()).map(assessDrive).filter((assessment) => !training || VIRTUAL_KINDS.includes(assessment.drive.kind));
      return all ? assessments : assessments.filter((assessment) => assessment.eligible);
    },
    writableKinds: () => (options.trainingMode || options.trainingModeLocked ? { allowedKinds: VIRTUAL_KINDS } : {}),
  };
}
