/** `shred`, `scan-leftovers` and `collect-logs`: the archive's local copies and the appliance's logs. */
import { describeDrive, formatSize, resolveTarget } from '../../core/drives';
import { failed } from '../../core/errors';
import { collectLogs } from '../../core/sanitize/logs';
import { checkShreddableFiles, scanLeftovers, shredFiles } from '../../core/sanitize/local';
import type { CliRuntime, CommandOutcome } from '../runtime';

function age(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

export async function scanLeftoversCommand(_runtime: CliRuntime, args: string[]): Promise<CommandOutcome> {
  const leftovers = await scanLeftovers(args.length > 0 ? args : undefined);
  const lines =
    leftovers.length === 0
      ? ['No configuration archives found.']
      : [
          `${leftovers.length} configuration archive${leftovers.length === 1 ? '' : 's'} found (shred them with panorama-usb shred FILE…):`,
          ...leftovers.map((leftover) => `  ${leftover.path}  ${formatSize(leftover.size)}  ${age(leftover.ageSeconds)} old${leftover.reason === 'contents' ? '  (recognised by its contents)' : ''}`),
        ];
  return { data: { leftovers }, text: lines.join('\n') };
}

export async function shredCommand(runtime: CliRuntime, args: string[]): Promise<CommandOutcome> {
  // Every file is checked first: one that cannot be shredded refuses the whole command, untouched.
  await checkShreddableFiles(args);
  await runtime.confirm(`Overwrite and delete ${args.length === 1 ? 'the file' : `${args.length} files:`}`, args.join(', '));
  const report = await shredFiles(args, { onPhase: (phase, current) => runtime.verbose(`${phase}: ${current}`) });
  if (report.failed > 0 || report.refused > 0) {
    const problems = report.outcomes.flatMap((outcome) => (outcome.status === 'shredded' ? [] : [`${outcome.path}: ${outcome.error.message}`]));
    throw failed('SHRED_FAILED', `${report.shredded} of ${report.outcomes.length} files shredded; ${problems.join(' ')}`, 'Check the files named and run shred on them again.');
  }
  const lines = report.outcomes.flatMap((outcome) =>
    outcome.status === 'shredded'
      ? [`Shredded ${outcome.path} (${formatSize(outcome.result.bytesOverwritten)} overwritten once with random data, renamed, truncated, removed).`, ...outcome.result.caveats.map((caveat) => `  note: ${caveat}`)]
      : [],
  );
  return { data: { ...report }, text: lines.join('\n') };
}

export async function collectLogsCommand(runtime: CliRuntime, args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const [targetPath = ''] = args;
  const out = typeof options['out'] === 'string' ? options['out'] : '';
  const drive = await resolveTarget(targetPath);
  runtime.note(`Collecting /panorama/*.log from ${describeDrive(drive)}…`);
  const report = await collectLogs(drive.path, out, { drive });
  const lines = [
    `Wrote ${report.out} (${formatSize(report.bundleBytes)}): ${report.files.map((file) => `${file.name} (${formatSize(file.bytes)}${file.redactions > 0 ? `, ${file.redactions} redaction${file.redactions === 1 ? '' : 's'}` : ''})`).join(', ')}.`,
    'Certificate and key material was redacted; the bundle is safe to attach to a support case.',
  ];
  return { data: { bundle: report }, text: lines.join('\n') };
}
