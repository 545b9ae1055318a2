/**
 * `pending`: what earlier sessions — the wizard's or a command line's that was killed — left
 * unfinished (a drive still holding an archive or part-wiped, a local copy not shredded, a
 * registration nobody saw end), each with the command that finishes it. The same list as the
 * app's home screen, read from the same data folder.
 */
import { defaultDataDir } from '../../core/app/data-dir';
import { Journal, type PendingItem } from '../../core/journal';
import type { CliRuntime, CommandOutcome } from '../runtime';

function itemLines(item: PendingItem): string[] {
  return [`- ${item.text}`, item.command === null ? '    finish: check it by hand (no command can)' : `    finish: ${item.command}`];
}

export async function pendingCommand(_runtime: CliRuntime): Promise<CommandOutcome> {
  const journal = Journal.open(defaultDataDir());
  const pending = await journal.pending();
  const lines =
    pending.length === 0
      ? ['Nothing was left unfinished.']
      : [`${pending.length} thing${pending.length === 1 ? ' was' : 's were'} left unfinished (oldest first):`, ...pending.flatMap(itemLines)];
  return { data: { journal: journal.dir, pending }, text: lines.join('\n') };
}
