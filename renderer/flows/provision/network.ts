import type { RequestOf } from '../../../preload/contract';
import { splitList, type CreateForm } from './state';

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
