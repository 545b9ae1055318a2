import type { RequestOf } from '../../../preload/contract';
import { splitList, type CreateForm, type ProvisionState } from './state';

/** The create form as provision.create's request fields (without drive and session). */
export function networkPayloadFields(form: CreateForm): Omit<RequestOf<'provision.create'>, 'drivePath' | 'sessionId' | 'training'> {
  return {
    name: form.name,
    ...(form.description === '' ? {} : { description: form.description }),
    ethernet0: form.mode === 'dhcp' ? { mode: 'dhcp' } : { mode: 'static', ipAddress: form.ipAddress, mask: form.mask, gateway: form.gateway, dns: splitList(form.dns) },
    ntpServers: splitList(form.ntp),
    ...(form.region === '' ? {} : { region: form.region }),
    ...(form.profile === '' ? {} : { profile: form.profile }),
  };
}

/** Where the site checklist's network settings come from: the imported archive, or the create form. */
export function siteChecklistSource(state: ProvisionState): RequestOf<'site.checklist'> | null {
  const region = state.form.region === '' ? {} : { region: state.form.region };
  if (state.source === 'import') return state.archivePath === null ? null : { archivePath: state.archivePath, training: state.training, ...region };
  const fields = networkPayloadFields(state.form);
  return { ethernet0: fields.ethernet0, ntpServers: fields.ntpServers, training: state.training, ...region };
}
