export { ARCHIVE_LIMITS } from './limits';
export { ARCHIVE_PREFIX, DEVICE_NAME_PATTERN, archiveFileNameFor, deviceNameFromArchiveName, isValidDeviceName } from './name';
export { NetworkConfigurationSchema, parseNetworkConfiguration, summarizeNetwork, type NetworkConfiguration, type NetworkSummary } from './network';
export type { CertificateSummary, EntryKind } from './contents';
export { inspectArchiveBytes, inspectArchiveFile, readArchiveFile, type ArchiveEntrySummary, type ArchiveReport } from './inspect';
export { checkEntryName, readZip, type ZipEntryData } from './read-zip';
export { writeArchive, writeArchiveVolume, type ArchiveWriter, type VolumeWriteResult, type VolumeWriter, type WriteArchiveOptions, type WriteArchiveReport, type WritePhase } from './write';
export { startArchiveWrite, type ArchiveWriteRequest } from './write-job';
