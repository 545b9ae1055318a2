/**
 * What the simulator states about the appliance's network and about how the service watches it,
 * each with the AWS Panorama Developer Guide page and sentence it rests on. The appliance's logs,
 * the advice of a failed registration and DescribeDevice's connection status all take these
 * facts from here, so what a trainee reads cannot drift from the pages (nor from the site
 * checklist, main/core/site/checklist.ts, which cites the same pages).
 */
import { createHash } from 'node:crypto';

/**
 * AWS Panorama Developer Guide, "Network security" (Infrastructure security): the appliance "uses
 * TLS on port 443 to connect to the AWS Cloud". Not MQTT's 8883: a site that opens 443 only is
 * what the page asks for, and a firewall blocking 443 is what keeps the appliance offline.
 */
export const APPLIANCE_CLOUD_PORT = 443;

/**
 * AWS Panorama Developer Guide, "Network security" (Infrastructure security): the appliance
 * connects to endpoints of the form *.iot.<aws_region>.amazonaws.com, whose host name is not
 * fixed — so firewall advice names this wildcard, never one host or address.
 */
export function iotEndpointPattern(region: string): string {
  return `*.iot.${region}.amazonaws.com`;
}

/**
 * One host of the documented form, as a log line names the host it dials. The page does not fix
 * the first label, so the simulator makes one up from the device id: stable across reads of the
 * same log, and plainly not a real account's endpoint.
 */
export function iotEndpointHost(region: string, deviceId: string): string {
  const label = createHash('sha256').update(`iot-endpoint/${deviceId}`).digest('hex').slice(0, 14);
  return iotEndpointPattern(region).replace('*', label);
}

/**
 * AWS Panorama Developer Guide, monitoring page: the service's monitoring job "runs every 30
 * seconds to determine whether your AWS Panorama Appliance is online". So DescribeDevice can say
 * OFFLINE (or not yet ONLINE) for up to 30 s after the appliance connected, and the other way round.
 */
export const MONITORING_INTERVAL_SECONDS = 30;
