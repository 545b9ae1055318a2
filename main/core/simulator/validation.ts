/**
 * Request validation with the constraints of Panorama's model (botocore
 * data/panorama/2019-07-24/service-2.json): lengths, patterns, enums, list and map sizes. Each
 * failure becomes one ValidationException field named by its path, with the wording AWS uses
 * ("Value 'x' at 'Name' failed to satisfy constraint: Member must …"). Unknown members are
 * refused rather than ignored: a misspelt field silently dropped would configure an appliance
 * differently from what the technician asked for.
 *
 * Two rules go beyond the model, because a real appliance cannot use such a configuration:
 * Mask, DefaultGateway and Dns must be IPv4 addresses (the model only says "non-empty"), the
 * mask a contiguous one, and a STATIC_IP port needs its StaticIpConnectionInfo.
 */
import { z } from 'zod';
import { fieldValidationError, type ValidationField } from './api-errors';
import { AGGREGATED_STATUSES, type NetworkPayload } from './model';

const IDENTIFIER_PATTERN = /^[a-zA-Z0-9\-_]+$/;
const IDENTIFIER_PATTERN_TEXT = '^[a-zA-Z0-9\\-\\_]+$';
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const PORT = '(6553[0-5]|655[0-2]\\d|65[0-4]\\d{2}|6[0-4]\\d{3}|[1-5]\\d{4}|[1-9]\\d{0,3})';
const IPV4_TEXT = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`;
/** The model's IpAddress pattern: an IPv4 address with an optional port. */
const IP_ADDRESS_TEXT = `^(${IPV4_TEXT})(:${PORT})?$`;
const IP_ADDRESS_PATTERN = new RegExp(IP_ADDRESS_TEXT);
const IPV4_PATTERN = new RegExp(`^${IPV4_TEXT}$`);
/** The model's IpAddressOrServerName pattern (NTP servers). */
const IP_OR_SERVER_NAME_TEXT = `(^([a-z0-9]+(-[a-z0-9]+)*\\.)+[a-z]{2,}$)|(^(${IPV4_TEXT})(:${PORT})?$)`;
const IP_OR_SERVER_NAME_PATTERN = new RegExp(IP_OR_SERVER_NAME_TEXT);

function pattern(regex: RegExp, text: string): { regex: RegExp; error: string } {
  return { regex, error: `Member must satisfy regular expression pattern: ${text}` };
}

function constrained(min: number, max: number, rule: { regex: RegExp; error: string }): z.ZodString {
  return z.string().min(min).max(max).regex(rule.regex, { error: rule.error });
}

const identifier = constrained(1, 255, pattern(IDENTIFIER_PATTERN, IDENTIFIER_PATTERN_TEXT));
export const DeviceIdSchema = identifier;
export const JobIdSchema = identifier;
export const DeviceNameSchema = identifier;
const DescriptionSchema = constrained(0, 255, pattern(/^.*$/, '^.*$'));
const NextTokenSchema = constrained(1, 4096, pattern(/^.+$/, '^.+$'));
const ImageVersionSchema = constrained(1, 255, pattern(/^.+$/, '^.+$'));

const TAG_KEY = pattern(/^.+$/, '^.+$');
const TAG_VALUE = pattern(/^.*$/, '^.*$');
const TagsSchema = z.record(z.string(), z.string()).superRefine((tags, context) => {
  const entries = Object.entries(tags);
  if (entries.length > 50) context.addIssue({ code: 'custom', message: 'Member must have length less than or equal to 50', input: tags });
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || !TAG_KEY.regex.test(key)) {
      context.addIssue({ code: 'custom', path: [key], input: key, message: `Tag key must have length between 1 and 128 and satisfy regular expression pattern: ${TAG_KEY.regex.source}` });
    }
    if (value.length > 256 || !TAG_VALUE.regex.test(value)) {
      context.addIssue({ code: 'custom', path: [key], input: value, message: `Tag value must have length less than or equal to 256 and satisfy regular expression pattern: ${TAG_VALUE.regex.source}` });
    }
  }
});

function isContiguousMask(mask: string): boolean {
  const value = mask.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);
  // A mask is ones then zeros: its complement plus one is a power of two.
  const hostBits = 0xffffffff - value;
  return (hostBits & (hostBits + 1)) === 0 && value !== 0;
}

const Ipv4Schema = z.string().regex(IPV4_PATTERN, { error: 'Member must be an IPv4 address such as 192.168.1.1' });
const StaticIpSchema = z.strictObject({
  IpAddress: constrained(1, 255, pattern(IP_ADDRESS_PATTERN, IP_ADDRESS_TEXT)),
  Mask: Ipv4Schema.refine((mask) => isContiguousMask(mask), { error: 'Member must be a subnet mask such as 255.255.255.0' }),
  DefaultGateway: Ipv4Schema,
  Dns: z.array(Ipv4Schema),
});

const EthernetSchema = z
  .strictObject({
    ConnectionType: z.enum(['STATIC_IP', 'DHCP']),
    StaticIpConnectionInfo: StaticIpSchema.optional(),
  })
  .superRefine((ethernet, context) => {
    if (ethernet.ConnectionType === 'STATIC_IP' && ethernet.StaticIpConnectionInfo === undefined) {
      context.addIssue({ code: 'custom', path: ['StaticIpConnectionInfo'], input: undefined, message: 'Member must not be null when ConnectionType is STATIC_IP' });
    }
  });

export const NetworkPayloadSchema = z.strictObject({
  Ethernet0: EthernetSchema.optional(),
  Ethernet1: EthernetSchema.optional(),
  Ntp: z.strictObject({ NtpServers: z.array(constrained(1, 255, pattern(IP_OR_SERVER_NAME_PATTERN, IP_OR_SERVER_NAME_TEXT))).max(5) }).optional(),
});

export const ProvisionDeviceRequestSchema = z.strictObject({
  Name: DeviceNameSchema,
  Description: DescriptionSchema.optional(),
  Tags: TagsSchema.optional(),
  NetworkingConfiguration: NetworkPayloadSchema.optional(),
});
export type ProvisionDeviceRequest = z.infer<typeof ProvisionDeviceRequestSchema>;

export const UpdateDeviceMetadataBodySchema = z.strictObject({ Description: DescriptionSchema.optional() });

export const CreateJobForDevicesRequestSchema = z.strictObject({
  DeviceIds: z.array(DeviceIdSchema).min(1).max(1),
  JobType: z.enum(['OTA', 'REBOOT']),
  DeviceJobConfig: z
    .strictObject({
      OTAJobConfig: z.strictObject({ ImageVersion: ImageVersionSchema, AllowMajorVersionUpdate: z.boolean().optional() }).optional(),
    })
    .optional(),
});
export type CreateJobForDevicesRequest = z.infer<typeof CreateJobForDevicesRequestSchema>;

const MaxResultsSchema = z.number().int().min(0).max(25);

export const ListDevicesQuerySchema = z.object({
  NextToken: NextTokenSchema.optional(),
  MaxResults: MaxResultsSchema.optional(),
  SortBy: z.enum(['DEVICE_ID', 'CREATED_TIME', 'NAME', 'DEVICE_AGGREGATED_STATUS']).optional(),
  SortOrder: z.enum(['ASCENDING', 'DESCENDING']).optional(),
  NameFilter: z.string().optional(),
  DeviceAggregatedStatusFilter: z.enum(AGGREGATED_STATUSES).optional(),
});
export type ListDevicesQuery = z.infer<typeof ListDevicesQuerySchema>;

export const ListDevicesJobsQuerySchema = z.object({
  DeviceId: DeviceIdSchema.optional(),
  NextToken: NextTokenSchema.optional(),
  MaxResults: MaxResultsSchema.optional(),
});
export type ListDevicesJobsQuery = z.infer<typeof ListDevicesJobsQuerySchema>;

/** Query parameters arrive as text; numbers are converted so the schema can say what is wrong. */
export function queryObject(query: URLSearchParams, names: readonly string[], numeric: readonly string[] = []): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const name of names) {
    const value = query.get(name);
    if (value === null) continue;
    result[name] = numeric.includes(name) && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return result;
}

/** The wording of one constraint, as AWS words it. */
function constraintText(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? 'Member must not be null' : `Member must be of type ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'number' ? `Member must have value greater than or equal to ${issue.minimum}` : `Member must have length greater than or equal to ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'number' ? `Member must have value less than or equal to ${issue.maximum}` : `Member must have length less than or equal to ${issue.maximum}`;
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'invalid_format':
      return `Member must satisfy format ${issue.format}`;
    default:
      return 'Member is not valid';
  }
}

function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name === '' ? String(part) : `.${String(part)}`;
  }
  return name;
}

function shownValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 80 ? `${text.slice(0, 80)}…` : text}'`;
}

interface DescribedField extends ValidationField {
  description: string;
}

export function issuesToFields(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): DescribedField[] {
  const fields: DescribedField[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const name = fieldName([...path, key]);
        fields.push({ Name: name, Message: 'Unknown field: it is not a member of this request', description: `'${name}' is not a member of this request` });
      }
      continue;
    }
    const name = fieldName(path);
    fields.push({ Name: name, Message: issue.message, description: `Value ${shownValue(issue.input)} at '${name}' failed to satisfy constraint: ${issue.message}` });
  }
  return fields;
}

/** Parses with the schema, or throws the ValidationException AWS would send. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, prefix: readonly PropertyKey[] = []): T {
  const result = schema.safeParse(value, { reportInput: true, error: (issue) => constraintText(issue) });
  if (result.success) return result.data;
  const fields = issuesToFields(result.error.issues, prefix);
  const described = new Map(fields.map((field) => [field.Name + field.Message, field.description]));
  throw fieldValidationError(
    fields.map(({ Name, Message }) => ({ Name, Message })),
    (field) => described.get(field.Name + field.Message) ?? field.Name,
  );
}

/** DHCP on Ethernet0 when ProvisionDevice was given no configuration for it, as the console does. */
export function effectiveNetworking(requested: NetworkPayload | undefined): NetworkPayload {
  const networking: NetworkPayload = { Ethernet0: requested?.Ethernet0 ?? { ConnectionType: 'DHCP' } };
  if (requested?.Ethernet1 !== undefined) networking.Ethernet1 = requested.Ethernet1;
  if (requested?.Ntp !== undefined) networking.Ntp = requested.Ntp;
  return networking;
}
