/**
 * The core services one running app owns, shared by the Electron main process and the
 * browser preview, so both shells answer the bridge with the same real code.
 */
import { getAppInfo, PRODUCT, type AppInfo, type Shell } from './core/app';
import { JobRegistry } from './core/jobs';

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
}

export function createCoreServices(options: ServicesOptions): CoreServices {
  const jobs = new JobRegistry();
  return {
    options,
    jobs,
    appInfo: () => getAppInfo({ name: PRODUCT.name, version: PRODUCT.version, ...options }),
  };
}
