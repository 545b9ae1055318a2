/** `shred` and `scan-leftovers`: the archive's local copies. */
import { formatSize } from '../../core/drives/format';
import { failed } from '../../core/errors';
import { checkShreddableFiles, scanLeftovers, shredFiles } from '../../core/sanitize/local';
import { recordShreds } from '../records';
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
  const report = await recordShreds(await runtime.records(), args, () => shredFiles(args, { onPhase: (phase, current) => runtime.verbose(`${phase}: ${current}`) }));
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
