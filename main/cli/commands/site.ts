/** `site-checklist`: the firewall and router rules an appliance's site needs, for its network team. */
import { refused } from '../../core/errors';
import { checklistText, siteChecklistForArchive, siteChecklistForNetwork } from '../../core/site';
import { readNetworkFile } from '../network-file';
import type { CliRuntime, CommandOutcome } from '../runtime';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export async function siteChecklistCommand(_runtime: CliRuntime, args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const [archivePath] = args;
  const networkFile = text(options['network']);
  if ((archivePath === undefined) === (networkFile === undefined)) {
    throw refused('MISSING_ARGUMENT', 'Give either the configuration archive or --network FILE (not both).', 'Example: panorama-usb site-checklist certificates-omni_lobby.zip --region us-east-1');
  }
  // The IoT endpoint names the region, so it cannot be guessed; the SDK's own variables count.
  const region = text(options['region']) ?? text(process.env['AWS_REGION']) ?? text(process.env['AWS_DEFAULT_REGION']);
  if (region === undefined) throw refused('MISSING_ARGUMENT', 'The region is needed: the appliance connects to *.iot.<region>.amazonaws.com.', 'Pass --region, such as --region us-east-1 (the region the device is registered in).');
  const checklist = archivePath !== undefined ? await siteChecklistForArchive(archivePath, region) : siteChecklistForNetwork(await readNetworkFile(networkFile), region);
  return { data: { checklist }, text: checklistText(checklist) };
}
