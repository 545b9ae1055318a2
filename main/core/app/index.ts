export { defaultDataDir, type DataDirEnvironment } from './data-dir';
export { getAppInfo, isElevated, type AppInfo, type AppInfoOptions, type Shell } from './info';
export { PRODUCT } from './product';
