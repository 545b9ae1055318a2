/** What the site and the account need: the network checklist for the Review step and receipt, and the IAM policy for the help screen. */
import { resolveRegion } from '../core/registration/client';
import { buildIamPolicy, policyNotes } from '../core/registration/iam-policy';
import { siteChecklistForArchive, siteChecklistForNetwork } from '../core/site';
import type { CoreServices } from '../services';
import { networkPayload } from './provision';
import type { Handlers } from './support';

export function siteHandlers(services: CoreServices): Handlers<'site.checklist' | 'help.iam-policy'> {
  /** The region the device is (or will be) registered in, resolved as the Panorama client resolves it. */
  const regionFor = async (requested: string | undefined, training: boolean): Promise<string> => {
    if (services.inTraining(training)) return (await services.trainingWorld()).region;
    return resolveRegion(requested);
  };
  return {
    'site.checklist': async (request) => {
      const region = await regionFor(request.region, request.training);
      if ('archivePath' in request) return siteChecklistForArchive(request.archivePath, region);
      return siteChecklistForNetwork(networkPayload(request.ethernet0, request.ntpServers), region);
    },
    'help.iam-policy': ({ role }) => {
      const iam = buildIamPolicy(role);
      return { ...iam, notes: policyNotes(iam) };
    },
  };
}
