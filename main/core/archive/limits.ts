/**
 * What a configuration archive can plausibly hold. A real one is a few KiB: a certificate and
 * a private key (~1–2 KiB each), a root CA, and network.json (a few hundred bytes), in a
 * handful of entries. The limits leave two orders of magnitude of headroom and still stop zip
 * bombs and size lies long before anything is inflated.
 */
export const ARCHIVE_LIMITS = {
  /** The .zip file itself. */
  maxArchiveBytes: 1024 * 1024,
  /** Entries in the central directory (files and folders). */
  maxEntries: 64,
  /** Declared uncompressed size of one entry. */
  maxEntryBytes: 256 * 1024,
  /** Declared uncompressed size of all entries together. */
  maxTotalBytes: 1024 * 1024,
} as const;
