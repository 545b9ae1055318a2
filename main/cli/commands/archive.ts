/** `inspect` and `write`: the configuration archive commands of the CLI contract. */
import path from 'node:path';
import { inspectArchiveBytes, readArchiveFile, writeArchive, type ArchiveReport, type WriteArchiveReport, type WritePhase } from '../../core/archive';
import { describeDrive, formatSize } from '../../core/drives';
import { driveFacts, writeSubject } from '../../core/records';
import { defaultDataDir } from '../../core/app/data-dir';
import { assertNotCounterfeit } from '../../core/capacity';
import { chooseDrive } from '../../core/target';
import { recordDriveWrite } from '../records';
import type { CliRuntime, CommandOutcome } from '../runtime';
import { withUnmounts } from '../unmount';

const KIND_WORDS: Readonly<Record<string, string>> = {
  network: 'network configuration',
  certificate: 'certificate',
  'private-key': 'private key, contents never shown',
  directory: 'folder',
  other: 'unrecognised',
};

export function describeArchive(report: ArchiveReport): string {
  const lines = [
    report.fileName,
    `  device name:  ${report.deviceName}`,
    `  size:         ${report.size} bytes, SHA-256 ${report.sha256}`,
    '  entries:',
    ...report.entries.map((entry) => `    ${entry.name}  ${formatSize(entry.size)}  (${KIND_WORDS[entry.kind] ?? entry.kind})`),
    `  network:      ${report.network?.text ?? 'not described in the archive'}`,
    ...report.certificates.map(
      (certificate) => `  ${certificate.isCertificateAuthority ? 'CA cert:     ' : 'certificate: '} ${certificate.subject} (issuer ${certificate.issuer}): ${certificate.validityText}`,
    ),
    ...report.warnings.map((warning) => `  warning: ${warning}`),
  ];
  return lines.join('\n');
}

export async function inspectCommand(_runtime: CliRuntime, args: string[]): Promise<CommandOutcome> {
  const [archivePath = ''] = args;
  const { bytes, fileName } = await readArchiveFile(archivePath);
  try {
    const report = await inspectArchiveBytes(bytes, fileName);
    return { data: { archive: report }, text: describeArchive(report) };
  } finally {
    bytes.fill(0);
  }
}

const PHASE_WORDS: Readonly<Record<WritePhase, string>> = {
  check: 'Checking the archive…',
  format: 'Formatting (MBR + FAT32)…',
  write: 'Writing the archive to the root of the volume…',
  verify: 'Verifying through a fresh handle…',
  eject: 'Making the drive safe to remove…',
};

export async function writeCommand(runtime: CliRuntime, args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const [archivePath = '', targetPath = ''] = args;
  const format = options['format'] !== false;
  const { bytes, fileName } = await readArchiveFile(archivePath);
  try {
    // Refusals of the archive come before anything about the drive.
    const report = await inspectArchiveBytes(bytes, fileName);
    const chosen = await chooseDrive(targetPath, 'provision', { unmount: options['unmount'] === true });
    // Never to a drive whose capacity check found it counterfeit (`check`): the archive could be lost past its real size.
    assertNotCounterfeit(defaultDataDir(), chosen.assessment.drive);
    for (const warning of [...report.warnings, ...chosen.assessment.warnings.map((reason) => reason.message)]) runtime.note(`warning: ${warning}`);
    const drive = describeDrive(chosen.assessment.drive);
    await runtime.confirm(withUnmounts([chosen], format ? `Erase everything on ${drive} and write ${fileName} to` : `Write ${fileName} (replacing other certificates-omni_*.zip at the root) to`), format ? 'it' : drive);
    const { drive: chosenDrive } = chosen.assessment;
    const result = await recordDriveWrite(
      await runtime.records(),
      {
        action: 'write',
        subject: writeSubject(fileName, chosenDrive),
        // As the wizard's import: the file given is a local copy of the secret until it is shredded.
        session: { source: 'import', deviceName: report.deviceName, archive: { fileName, sha256: report.sha256, size: report.size }, localCopies: [{ path: path.resolve(archivePath), shredded: false }], drive: driveFacts(chosenDrive) },
        onSuccess: (written: WriteArchiveReport) => ({ subject: { sha256: written.sha256, verified: written.verified }, session: {} }),
      },
      (phaseSeen) =>
        writeArchive({ bytes, fileName }, chosen, {
          format,
          signal: runtime.signal,
          onPhase: (phase) => {
            phaseSeen(phase);
            runtime.note(PHASE_WORDS[phase]);
          },
        }),
    );
    const lines = [
      `Wrote ${fileName} (${result.size} bytes) to the root of ${drive}${result.formatted === null ? '' : ', freshly formatted FAT32'}.`,
      `Verified: SHA-256 ${result.sha256} read back through a fresh handle.`,
      ...(result.removedArchives.length > 0 ? [`Removed other archives from the drive: ${result.removedArchives.join(', ')}.`] : []),
      result.eject.detail.charAt(0).toUpperCase() + result.eject.detail.slice(1) + '.',
      ...(report.certificateExpiresAt === null ? [] : [`The provisioning certificate expires at ${report.certificateExpiresAt}: plug the drive into the appliance (USB 3.0 port next to HDMI) before then.`]),
    ];
    const { archive: _archive, ...written } = result;
    return { data: { write: written, archive: report }, text: lines.join('\n') };
  } finally {
    bytes.fill(0);
  }
}
