/**
 * Where a checklist's network configuration comes from: an archive read in memory (as `inspect`
 * reads it: its bytes are zeroed afterwards, and only the network summary is kept), or a network
 * configuration given as data (a --network file, the wizard's form), checked like ProvisionDevice's.
 */
import { inspectArchiveBytes, readArchiveFile } from '../archive/inspect';
import { parseNetworkConfiguration, summarizeNetwork } from '../archive/network';
import { validateNetworking } from '../registration/networking';
import { buildSiteChecklist, checkRegion, type SiteChecklist } from './checklist';

export async function siteChecklistForArchive(archivePath: string, region: string): Promise<SiteChecklist> {
  checkRegion(region);
  const { bytes, fileName } = await readArchiveFile(archivePath);
  try {
    const report = await inspectArchiveBytes(bytes, fileName);
    return buildSiteChecklist(report.network, region);
  } finally {
    bytes.fill(0);
  }
}

/** `networking` in the API's NetworkPayload shape; undefined means none given (the appliance's DHCP default). */
export function siteChecklistForNetwork(networking: unknown, region: string): SiteChecklist {
  checkRegion(region);
  if (networking === undefined) return buildSiteChecklist(null, region);
  const configuration = parseNetworkConfiguration(validateNetworking(networking));
  return buildSiteChecklist(configuration === null ? null : summarizeNetwork(configuration), region);
}
