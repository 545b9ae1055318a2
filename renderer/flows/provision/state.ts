/** What the provision wizard knows as it goes: never the archive's contents, only its report and hashes. */
import type { ArchiveReport, DriveAssessment, ErrorInfo, LogBundle, MonitorResult, ProvisionResult, SanitizeResult, ShredReport, SiteChecklist, WriteResult } from '../../../preload/contract';

export interface CreateForm {
  name: string;
  description: string;
  mode: 'dhcp' | 'static';
  ipAddress: string;
  mask: string;
  gateway: string;
  dns: string;
  ntp: string;
  region: string;
  profile: string;
}

export const EMPTY_FORM: CreateForm = { name: '', description: '', mode: 'dhcp', ipAddress: '', mask: '255.255.255.0', gateway: '', dns: '', ntp: '', region: '', profile: '' };

export interface ProvisionState {
  training: boolean;
  sessionId: string | null;
  source: 'import' | 'create';
  archivePath: string | null;
  report: ArchiveReport | null;
  form: CreateForm;
  drive: DriveAssessment | null;
  written: WriteResult | null;
  created: ProvisionResult | null;
  writtenAt: string | null;
  registration: MonitorResult | null;
  registrationError: ErrorInfo | null;
  logs: LogBundle | null;
  shred: ShredReport | null;
  sanitize: SanitizeResult | null;
  /** The site checklist as Review made it: the receipt shows it after the archive is shredded. */
  siteChecklist: SiteChecklist | null;
}

export function initialState(training: boolean): ProvisionState {
  return { training, sessionId: null, source: 'import', archivePath: null, report: null, form: EMPTY_FORM, drive: null, written: null, created: null, writtenAt: null, registration: null, registrationError: null, logs: null, shred: null, sanitize: null, siteChecklist: null };
}

export type Update = (patch: Partial<ProvisionState>) => void;

/** The device's name, whichever way the archive came. */
export function deviceNameOf(state: ProvisionState): string | null {
  return state.source === 'import' ? (state.report?.deviceName ?? null) : state.form.name === '' ? null : state.form.name;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const NAME_PATTERN = /^[a-zA-Z0-9-_]{1,255}$/;

export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Field → problem, checked as the user types; the same rules run again in the app before AWS is called. */
export function formProblems(form: CreateForm): Partial<Record<keyof CreateForm, string>> {
  const problems: Partial<Record<keyof CreateForm, string>> = {};
  if (!NAME_PATTERN.test(form.name)) problems.name = 'Use 1 to 255 letters, digits, - or _ (no spaces).';
  if (form.description.length > 255) problems.description = 'At most 255 characters.';
  if (form.mode === 'static') {
    if (!IPV4.test(form.ipAddress)) problems.ipAddress = 'An IPv4 address such as 192.168.1.20.';
    if (!IPV4.test(form.mask)) problems.mask = 'A mask such as 255.255.255.0.';
    if (!IPV4.test(form.gateway)) problems.gateway = 'An IPv4 address such as 192.168.1.1.';
    const dns = splitList(form.dns);
    if (dns.length === 0 || dns.length > 4) problems.dns = 'One to four DNS servers, separated by commas.';
  }
  if (splitList(form.ntp).length > 5) problems.ntp = 'At most five NTP servers.';
  if (form.region !== '' && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(form.region)) problems.region = 'A region such as us-east-1.';
  return problems;
}

export function networkInWords(form: CreateForm): string {
  const ntp = splitList(form.ntp);
  const ethernet = form.mode === 'dhcp' ? 'Ethernet0 gets its address from DHCP.' : `Ethernet0 uses the fixed address ${form.ipAddress} (mask ${form.mask}), gateway ${form.gateway}, DNS ${splitList(form.dns).join(', ')}.`;
  return `${ethernet} ${ntp.length === 0 ? 'Time comes from the default NTP servers.' : `Time comes from ${ntp.join(', ')}.`}`;
}
