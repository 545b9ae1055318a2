/**
 * Every Panorama API operation this product calls, and why: the one list the least-privilege IAM
 * policy (`iam-policy`) is built from. The client refuses any operation missing here before it
 * is sent (guardOperations), and a test compares this list with the commands the code imports,
 * so a flow cannot start calling an operation the policy lacks.
 */
import type { PanoramaClient } from '@aws-sdk/client-panorama';
import { failed } from '../errors';

export type Role = 'technician' | 'it-staff';
export const ROLES: readonly Role[] = ['technician', 'it-staff'];

export type Purpose = 'provision' | 'find' | 'follow' | 'update' | 'decommission';

export interface OperationUse {
  purpose: Purpose;
  /**
   * 'device' when the service authorises the action per device ARN (Service Authorization
   * Reference, AWS Panorama: resource type "device"), 'none' when it takes no resource type, so
   * IAM only accepts "*" for it.
   */
  resource: 'device' | 'none';
  /** Where the product calls it, for the policy's reader. */
  calledBy: string;
}

export const PANORAMA_OPERATIONS = {
  ProvisionDevice: { purpose: 'provision', resource: 'none', calledBy: 'provision; the wizard\'s "create with ProvisionDevice" path' },
  ListDevices: { purpose: 'find', resource: 'none', calledBy: 'monitor --archive; the wizard finding an imported archive\'s device by its name' },
  DescribeDevice: { purpose: 'follow', resource: 'device', calledBy: 'monitor and the wizard\'s registration step; update and the receipt\'s software check' },
  CreateJobForDevices: { purpose: 'update', resource: 'none', calledBy: 'update; the receipt\'s "Install over the air"' },
  DescribeDeviceJob: { purpose: 'update', resource: 'none', calledBy: 'update; the receipt following the over-the-air job' },
  DeleteDevice: { purpose: 'decommission', resource: 'device', calledBy: 'decommission' },
} as const satisfies Record<string, OperationUse>;
export type PanoramaOperation = keyof typeof PANORAMA_OPERATIONS;

/** Each purpose: the statement's Sid, what it is for, and the roles that need it. */
export const PURPOSES: Readonly<Record<Purpose, { sid: string; why: string; roles: readonly Role[] }>> = {
  provision: { sid: 'ProvisionAppliances', why: 'create a device and its configuration archive', roles: ['technician', 'it-staff'] },
  find: { sid: 'FindAppliancesByName', why: 'find the device an archive belongs to by its name', roles: ['technician', 'it-staff'] },
  follow: { sid: 'FollowRegistrationAndSoftware', why: "follow a device's registration and read its software version", roles: ['technician', 'it-staff'] },
  update: { sid: 'UpdateApplianceSoftware', why: 'start an over-the-air software update and follow its job', roles: ['technician', 'it-staff'] },
  decommission: { sid: 'DecommissionAppliances', why: 'delete a device from the account when it is taken out of service', roles: ['it-staff'] },
};

export function isListedOperation(name: string): name is PanoramaOperation {
  return Object.prototype.hasOwnProperty.call(PANORAMA_OPERATIONS, name);
}

/** The least role whose policy grants an operation (for the advice of an AccessDenied). */
export function roleFor(operation: string): Role {
  return isListedOperation(operation) && PURPOSES[PANORAMA_OPERATIONS[operation].purpose].roles.includes('technician') ? 'technician' : 'it-staff';
}

/**
 * Refuses, before it is signed or sent, any operation this product's IAM policy does not grant:
 * a new call must be added to PANORAMA_OPERATIONS (and so to the policy) first.
 */
export function guardOperations(client: PanoramaClient): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (!isListedOperation(operation)) {
        throw failed('UNLISTED_OPERATION', `The app tried to call panorama:${operation}, which its IAM policy (iam-policy) does not grant.`, 'This is a bug in the app: report it. Nothing was sent to AWS.');
      }
      return next(args);
    },
    { step: 'initialize', name: 'panoramaUsbOperationGuard' },
  );
}
