/**
 * Local copies of the configuration archive: find them (scanLeftovers) and shred them
 * (shredFile / shredFiles), saying plainly when the storage keeps overwriting from reaching the
 * old blocks (SSDs, copy-on-write filesystems, virtual disks).
 */
export { DEFAULT_SCAN_DEPTH, defaultScanFolders, isArchiveName, looksLikeArchiveEntries, scanLeftovers, type Leftover, type ScanOptions } from './scan';
export { checkShreddableFiles, shredFile, shredFiles, type ShredFilesReport, type ShredOptions, type ShredOutcome, type ShredPhase, type ShredResult } from './shred';
export { classifyStorage, detectStorage, type FilesystemKind, type Medium, type StorageFacts, type StorageVerdict } from './storage';
export { diskMediumForDevice, linuxMajorMinor, type MediumFacts } from './block-medium';
export { zipEntryNames } from './zip-names';
