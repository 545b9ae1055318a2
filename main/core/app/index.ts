export { defaultDataDir, type DataDirEnvironment } from './data-dir';
export { DRIVE_ACCESS_WORDS, driveAccessMethod, getAppInfo, isElevated, stallSeconds, type AppInfo, type AppInfoOptions, type DriveAccessMethod, type Shell } from './info';
export { PRODUCT } from './product';
