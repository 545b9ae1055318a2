/** The `--network FILE` option (provision, site-checklist): a small JSON file read and parsed, nothing else. */
import { readFile } from 'node:fs/promises';
import { refused } from '../core/errors';

export async function readNetworkFile(file: string | undefined): Promise<unknown> {
  if (file === undefined) return undefined;
  let raw: string;
  try {
    const content = await readFile(file);
    if (content.length > 64 * 1024) throw refused('INVALID_NETWORK_CONFIG', `${file} is too large for a network configuration.`, 'Give the JSON file with Ethernet0 / Ethernet1 / Ntp.');
    raw = content.toString('utf8');
  } catch (error) {
    if (error instanceof Error && 'outcome' in error) throw error;
    throw refused('NETWORK_FILE_NOT_FOUND', `The network configuration ${file} cannot be read.`, 'Check the path.');
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw refused('INVALID_NETWORK_CONFIG', `${file} is not valid JSON.`, 'See the README for the format of the network configuration.');
  }
}
