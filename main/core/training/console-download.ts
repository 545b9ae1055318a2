/**
 * Training's stand-in for the console's "Download" button: ProvisionDevice on the simulator,
 * and the archive saved where a browser would put it — a file on this computer, exactly the
 * local copy the real routine leaves behind and the clean-up step must shred. (Outside
 * Training the wizard's "Create it now" streams the archive to the drive and never does this.)
 */
import { open, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ProvisionDeviceCommand, type PanoramaClient } from '@aws-sdk/client-panorama';
import { archiveFileNameFor } from '../archive';
import { failed, refused } from '../errors';
import { pathExists } from '../files';
import { toRegistrationError } from '../registration';

export async function downloadFromSimulatedConsole(client: PanoramaClient, name: string, folder: string): Promise<{ path: string; deviceId: string }> {
  const file = path.join(folder, archiveFileNameFor(name));
  await mkdir(folder, { recursive: true, mode: 0o700 });
  // Checked before the device is created: a name already downloaded would otherwise leave an orphan device.
  if (await pathExists(file)) throw refused('DOWNLOAD_EXISTS', `${file} already exists.`, 'Shred it first (Clean up step), or give the device another name.');
  let response;
  try {
    response = await client.send(new ProvisionDeviceCommand({ Name: name, NetworkingConfiguration: { Ethernet0: { ConnectionType: 'DHCP' } } }));
  } catch (error) {
    throw toRegistrationError(error, 'ProvisionDevice');
  }
  const bytes = response.Certificates;
  const deviceId = response.DeviceId ?? '';
  if (bytes === undefined || bytes.length === 0) throw failed('NO_ARCHIVE_RETURNED', `The simulator created ${deviceId} but returned no archive.`, 'Reset the training world and try again.');
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
    bytes.fill(0);
  }
  return { path: file, deviceId };
}
