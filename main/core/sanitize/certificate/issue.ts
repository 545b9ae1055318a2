/**
 * Certificates for a batch of wipes, one per drive, each written on its own. The wipes have
 * happened by then, whatever becomes of their certificates: a folder that fills up or goes away
 * mid-batch costs the drives whose certificate it could not hold (each gets its error), never
 * the others' certificates or the report of what was done to every drive.
 */
import { toPanoramaUsbError, type ErrorInfo } from '../../errors';
import { buildCertificateRecord } from './record';
import type { CertificateDrive, WipeResultLike } from './types';
import { writeCertificate, type WrittenCertificate } from './write';

export interface CertificateIssue {
  target: string;
  /** Null when it could not be written; `error` says why. */
  certificate: WrittenCertificate | null;
  error: ErrorInfo | null;
}

export interface CertifiedWipe {
  wipe: WipeResultLike;
  drive: CertificateDrive;
}

/**
 * Each wipe beside the drive it was done on and the name shown for it: `results` come back in the
 * order the drives were chosen (sanitizeDrives keeps it).
 */
export function certifiedWipes<W extends WipeResultLike, D extends CertificateDrive>(
  results: readonly W[],
  chosen: readonly { assessment: { drive: D; displayName: string } }[],
): { wipe: W; drive: D & { displayName: string } }[] {
  return results.flatMap((wipe, index) => {
    const assessment = chosen[index]?.assessment;
    return assessment === undefined ? [] : [{ wipe, drive: { ...assessment.drive, displayName: assessment.displayName } }];
  });
}

/** Empty strings mean "not given": the record's defaults apply. */
export interface CertificateSigners {
  organisation?: string | undefined;
  technician?: string | undefined;
}

export async function issueCertificates(wipes: readonly CertifiedWipe[], folder: string, signers: CertificateSigners = {}): Promise<CertificateIssue[]> {
  const given = {
    ...(signers.organisation === undefined || signers.organisation === '' ? {} : { organisation: signers.organisation }),
    ...(signers.technician === undefined || signers.technician === '' ? {} : { technician: signers.technician }),
  };
  const issues: CertificateIssue[] = [];
  for (const { wipe, drive } of wipes) {
    try {
      const certificate = await writeCertificate(buildCertificateRecord({ wipe, drive, ...given }), folder);
      issues.push({ target: wipe.target, certificate, error: null });
    } catch (error) {
      issues.push({ target: wipe.target, certificate: null, error: toPanoramaUsbError(error).toInfo() });
    }
  }
  return issues;
}
