/**
 * The appliance's provisioning logs: read from the drive without mounting it, redacted, and
 * zipped into a support bundle with a manifest.
 */
export { collectLogs, LOGS_FOLDER, MANIFEST_SCHEMA_VERSION, MAX_LOG_BYTES, type CollectLogsOptions, type LogBundleReport, type LogFileReport } from './collect';
export { MIN_BASE64_RUN, REDACTION_MARKS, redactLog, redactText, type Redacted, type RedactionCounts } from './redact';
export { checkOutputPath, writeZipExclusive, type BundleEntry } from './bundle';
