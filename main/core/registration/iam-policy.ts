/**
 * The least-privilege IAM policy for a role, built from the operations the product calls
 * (operations.ts): one statement per purpose (split where the service authorises some actions per
 * device and others only on "*"), device-scoped wherever the service allows it.
 */
import { refused } from '../errors';
import { AWS_REGION_PATTERN } from '../site/checklist';
import { PANORAMA_OPERATIONS, PURPOSES, ROLES, type PanoramaOperation, type Purpose, type Role } from './operations';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface IamPolicy {
  role: Role;
  policy: PolicyDocument;
  /** Every action granted, sorted: what a test or an administrator compares. */
  actions: string[];
  /** Where the service's authorisation model does not allow narrowing to a resource. */
  unscoped: string[];
}

export interface PolicyScope {
  region?: string;
  account?: string;
}

export function parseRole(value: string | undefined): Role {
  if (value === undefined) return 'technician';
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw refused('INVALID_ARGUMENT', `--role must be one of ${ROLES.join(', ')}, not "${value}".`, 'technician: provision, follow and update appliances; it-staff: also decommission them.');
}

function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-') === true) return 'aws-cn';
  if (region?.startsWith('us-gov-') === true) return 'aws-us-gov';
  return 'aws';
}

function checkScope(scope: PolicyScope): void {
  if (scope.account !== undefined && !/^\d{12}$/.test(scope.account)) throw refused('INVALID_ARGUMENT', `--account must be a 12-digit AWS account id, not "${scope.account}".`, 'Leave it out to allow any account ("*").');
  if (scope.region !== undefined && !AWS_REGION_PATTERN.test(scope.region)) throw refused('INVALID_REGION', `"${scope.region}" is not an AWS Region.`, 'Give a region such as us-east-1, or leave it out to allow any region ("*").');
}

export function buildIamPolicy(role: Role, scope: PolicyScope = {}): IamPolicy {
  checkScope(scope);
  const deviceArn = `arn:${partitionOf(scope.region)}:panorama:${scope.region ?? '*'}:${scope.account ?? '*'}:device/*`;
  const statements: PolicyStatement[] = [];
  const unscoped: string[] = [];
  for (const [purpose, about] of Object.entries(PURPOSES) as [Purpose, (typeof PURPOSES)[Purpose]][]) {
    if (!about.roles.includes(role)) continue;
    const operations = (Object.keys(PANORAMA_OPERATIONS) as PanoramaOperation[]).filter((operation) => PANORAMA_OPERATIONS[operation].purpose === purpose);
    const byDevice = operations.filter((operation) => PANORAMA_OPERATIONS[operation].resource === 'device');
    const anywhere = operations.filter((operation) => PANORAMA_OPERATIONS[operation].resource === 'none');
    if (byDevice.length > 0) statements.push({ Sid: byDevice.length === operations.length ? about.sid : `${about.sid}PerDevice`, Effect: 'Allow', Action: byDevice.map((operation) => `panorama:${operation}`), Resource: deviceArn });
    if (anywhere.length > 0) {
      statements.push({ Sid: about.sid, Effect: 'Allow', Action: anywhere.map((operation) => `panorama:${operation}`), Resource: '*' });
      unscoped.push(...anywhere.map((operation) => `panorama:${operation}`));
    }
  }
  const actions = statements.flatMap((statement) => statement.Action).sort();
  return { role, policy: { Version: '2012-10-17', Statement: statements }, actions, unscoped };
}

/** What the statements are for, in words: printed beside the policy (never inside it: IAM takes no comments). */
export function policyNotes(iam: IamPolicy): string[] {
  return [
    `IAM policy for the ${iam.role} role: ${Object.values(PURPOSES).filter((about) => about.roles.includes(iam.role)).map((about) => `${about.sid} (${about.why})`).join('; ')}.`,
    `${iam.unscoped.join(', ')} take no resource in AWS Panorama's authorisation model, so IAM only accepts "*" for them; the per-device actions are limited to device ARNs${iam.policy.Statement.some((statement) => statement.Resource !== '*' && String(statement.Resource).includes(':*:')) ? ' (`panorama-usb iam-policy --region R --account ID` narrows them to one region and account)' : ''}.`,
  ];
}
