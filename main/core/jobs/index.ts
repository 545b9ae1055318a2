export { JobRegistry, type JobContext, type JobEnd } from './registry';
export { ProgressReporter, MAX_PROGRESS_HZ, type ProgressEvent } from './progress';
