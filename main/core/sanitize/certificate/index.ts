/**
 * Certificates of sanitization: a canonical JSON record per drive and a printable A4 PDF that
 * carries the record's SHA-256. The level is NIST SP 800-88 Rev.2 "Clear" or "None", never Purge.
 */
export { buildCertificateRecord, FLASH_NOTE, FLASH_NOTE_LINES, METHODS, nistLevelFor } from './record';
export { canonicalJson } from './canonical';
export { certifiedWipes, issueCertificates, type CertificateIssue, type CertificateSigners, type CertifiedWipe } from './issue';
export { formatBytes, formatDuration, formatThroughput, formatTimestamp, renderCertificatePdf } from './pdf';
export { certificateBaseName, checkCertificateFolder, writeCertificate, type WrittenCertificate } from './write';
export {
  CERTIFICATE_SCHEMA,
  CERTIFICATE_SCHEMA_VERSION,
  WipeResultSchema,
  type CertificateDrive,
  type CertificateInput,
  type CertificatePass,
  type CertificateRecord,
  type NistLevel,
  type VerifyMode,
  type WipeMethod,
  type WipePassLike,
  type WipeResultLike,
} from './types';
