/**
 * Drives reached through UDisks2 over the system D-Bus, for a user who is not root: the daemon
 * opens the device and hands the descriptor back to this process (Block.OpenDevice), unmounts the
 * drive's own volumes (Filesystem.Unmount) and powers it off (Drive.PowerOff, Loop.Delete for a
 * loop device). Each asks the system's polkit, whose desktop agent asks the person: no password
 * ever passes through our code. Object paths come from UDisks2's own lookup (ResolveDevice and
 * the objects' properties), never from building strings. Model read: Raspberry Pi Imager's
 * src/linux/udisks2api.cpp (it, too, opens through UDisks2 after unmounting).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cancelled, failed, refused, type PanoramaUsbError } from '../errors';
import { ensureTerminalAgent } from './terminal-agent';

const UDISKS2 = 'org.freedesktop.UDisks2';
const MANAGER_PATH = '/org/freedesktop/UDisks2/Manager';
const ROOT_PATH = '/org/freedesktop/UDisks2';
const DEFAULT_SYSTEM_BUS = '/var/run/dbus/system_bus_socket';
/** open(2) flags UDisks2 accepts in OpenDevice's "flags" option (Linux values). */
export const O_EXCL = 0o200;
export const O_DIRECT = 0o40000;

/** While udev's blkid probes a device that was just written or released, an exclusive open fails for a moment. */
const BUSY_RETRIES = 20;
const BUSY_WAIT_MS = 100;

/** The slice of dbus-next this module uses (its own typings say `any` for bodies). */
interface DbusVariant {
  signature: string;
  value: unknown;
}
interface DbusMessage {
  body: unknown[];
}
interface DbusBus {
  call(message: unknown): Promise<DbusMessage | null>;
  disconnect(): void;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}
interface DbusModule {
  systemBus(options: { negotiateUnixFd: boolean }): DbusBus;
  Message: new (fields: { destination: string; path: string; interface: string; member: string; signature?: string; body?: unknown[] }) => unknown;
  Variant: new (signature: string, value: unknown) => DbusVariant;
}

const unavailableNextStep = 'Install udisks2 (and polkit) and make sure the system bus runs, or run this command with sudo.';

function unavailable(why: string): PanoramaUsbError {
  return refused('DRIVE_ACCESS_UNAVAILABLE', `Real drives are reached through UDisks2 when panorama-usb does not run as root, and ${why}.`, unavailableNextStep);
}

/** dbus-next without usocket negotiates no descriptors and then waits forever for OpenDevice's answer: refuse at once instead. */
function loadDbus(): DbusModule {
  const load = createRequire(__filename);
  try {
    load('usocket');
  } catch {
    throw unavailable('the part that receives a drive from it (the usocket module, built when panorama-usb is installed) is missing: reinstall with `npm ci` on a machine with python3, make and a C++ compiler');
  }
  try {
    return load('dbus-next') as DbusModule;
  } catch {
    throw unavailable('its D-Bus client (dbus-next) is missing: reinstall with `npm ci`');
  }
}

function systemBusSocket(): string | null {
  const address = process.env['DBUS_SYSTEM_BUS_ADDRESS'];
  if (address === undefined || address === '') return DEFAULT_SYSTEM_BUS;
  return /(?:^|;)unix:path=([^,;]+)/.exec(address)?.[1] ?? null;
}

function dbusErrorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string' ? error.type : '';
}

function dbusErrorText(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'text' in error && typeof error.text === 'string') return error.text;
  return error instanceof Error ? error.message : String(error);
}

/** A UDisks2 or D-Bus error as ours: who said no, and what to do. */
export function classifyUDisks2Error(error: unknown, devicePath: string, action: string): PanoramaUsbError {
  const name = dbusErrorName(error);
  const text = dbusErrorText(error);
  if (name === 'org.freedesktop.UDisks2.Error.NotAuthorizedDismissed') {
    return cancelled('AUTHORIZATION_DISMISSED', `The request to ${action} ${devicePath} was dismissed; nothing was changed.`, 'Run it again and authorise it when asked.');
  }
  if (name === 'org.freedesktop.UDisks2.Error.NotAuthorizedCanObtain') {
    return refused(
      'AUTHORIZATION_DENIED',
      `The system did not allow panorama-usb to ${action} ${devicePath} without an administrator's authorisation, and no authentication agent could ask for it; nothing was changed.`,
      'Run it from a desktop session or a terminal (either asks for the password), or ask an administrator for a polkit rule (see the README), or run it with sudo.',
    );
  }
  if (name.startsWith('org.freedesktop.UDisks2.Error.NotAuthorized')) {
    return refused('AUTHORIZATION_DENIED', `The system's policy (polkit) does not allow panorama-usb to ${action} ${devicePath}; nothing was changed.`, 'Ask an administrator for a polkit rule that allows it (see the README), or run it with sudo.');
  }
  if (name === 'org.freedesktop.DBus.Error.ServiceUnknown' || name === 'org.freedesktop.DBus.Error.NameHasNoOwner' || name === 'org.freedesktop.DBus.Error.Spawn.ChildExited') {
    return unavailable(`UDisks2 is not running on the system bus, so it cannot ${action} ${devicePath}`);
  }
  if (name === 'org.freedesktop.UDisks2.Error.DeviceBusy' || /busy/i.test(text)) {
    return refused('DRIVE_BUSY', `${devicePath} is busy (${text}); nothing was changed.`, 'Close what uses it (a file manager window, an open file on it), then try again.');
  }
  return failed('DRIVE_ACCESS_FAILED', `UDisks2 could not ${action} ${devicePath}: ${text}.`, 'Check that the drive is still plugged in, then try again.', error);
}

function isBusy(error: unknown): boolean {
  const name = dbusErrorName(error);
  return name === 'org.freedesktop.UDisks2.Error.DeviceBusy' || /device or resource busy|EBUSY/i.test(dbusErrorText(error));
}

function asString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`UDisks2 answered ${what} with ${typeof value}`);
  return value;
}

/** Mount points arrive as NUL-terminated byte arrays. */
function mountPoints(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((bytes: unknown) => Buffer.from(bytes as Uint8Array).toString('utf8').replace(/\0+$/, ''));
}

type ManagedObjects = Map<string, Map<string, Map<string, unknown>>>;

function managedObjects(body: unknown): ManagedObjects {
  const objects: ManagedObjects = new Map();
  if (typeof body !== 'object' || body === null) return objects;
  for (const [objectPath, interfaces] of Object.entries(body as Record<string, Record<string, Record<string, DbusVariant>>>)) {
    const byInterface = new Map<string, Map<string, unknown>>();
    for (const [name, properties] of Object.entries(interfaces)) {
      byInterface.set(name, new Map(Object.entries(properties).map(([key, variant]) => [key, variant.value])));
    }
    objects.set(objectPath, byInterface);
  }
  return objects;
}

export interface UDisks2OpenOptions {
  mode: 'read' | 'write';
  exclusive: boolean;
  /** O_DIRECT: reads that bypass the kernel's cache (buffers, offsets and lengths aligned). */
  direct?: boolean;
}

export class UDisks2Client {
  private constructor(
    private readonly dbus: DbusModule,
    private readonly bus: DbusBus,
    private readonly lost: Promise<never>,
  ) {}

  /** Connects to the system bus; DRIVE_ACCESS_UNAVAILABLE when it or UDisks2 is not there. */
  static async connect(): Promise<UDisks2Client> {
    const dbus = loadDbus();
    const socket = systemBusSocket();
    if (socket !== null && !existsSync(socket)) throw unavailable(`the system bus is not running (no ${socket})`);
    let bus: DbusBus;
    try {
      bus = dbus.systemBus({ negotiateUnixFd: true });
    } catch (error) {
      throw unavailable(`the system bus cannot be reached (${dbusErrorText(error)})`);
    }
    // A connection that fails (or drops) fails every call waiting on it instead of leaving it hanging.
    const lost = new Promise<never>((_resolve, reject) => {
      bus.on('error', (error) => reject(unavailable(`the system bus connection failed (${dbusErrorText(error)})`)));
    });
    lost.catch(() => undefined);
    const client = new UDisks2Client(dbus, bus, lost);
    try {
      const owned = await client.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'NameHasOwner', 's', [UDISKS2]);
      if (owned[0] !== true) throw unavailable('UDisks2 is not running on the system bus');
      // On a terminal with no desktop agent, polkit's text agent asks for the password there.
      await ensureTerminalAgent();
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  private async call(destination: string, objectPath: string, iface: string, member: string, signature: string, body: unknown[]): Promise<unknown[]> {
    const message = new this.dbus.Message({ destination, path: objectPath, interface: iface, member, ...(signature === '' ? {} : { signature, body }) });
    const reply = await Promise.race([this.bus.call(message), this.lost]);
    return reply?.body ?? [];
  }

  private udisks(objectPath: string, iface: string, member: string, signature: string, body: unknown[]): Promise<unknown[]> {
    return this.call(UDISKS2, objectPath, iface, member, signature, body);
  }

  private variant(signature: string, value: unknown): DbusVariant {
    return new this.dbus.Variant(signature, value);
  }

  /** The block object UDisks2 keeps for a device node (its own lookup, never a built string). */
  async blockObject(devicePath: string): Promise<string> {
    let found: unknown[];
    try {
      found = await this.udisks(MANAGER_PATH, `${UDISKS2}.Manager`, 'ResolveDevice', 'a{sv}a{sv}', [{ path: this.variant('s', devicePath) }, {}]);
    } catch (error) {
      throw classifyUDisks2Error(error, devicePath, 'find');
    }
    const paths: unknown[] = Array.isArray(found[0]) ? (found[0] as unknown[]) : [];
    const [objectPath] = paths;
    if (paths.length !== 1 || typeof objectPath !== 'string') {
      throw refused('DRIVE_NOT_KNOWN_TO_UDISKS2', `UDisks2 does not know ${devicePath} (it sees block devices only while udev runs).`, 'Check that the drive is plugged in and that udev runs, or run this command with sudo.');
    }
    return objectPath;
  }

  /**
   * Opens the device and returns the descriptor UDisks2 handed over. An exclusive open that meets
   * udev's probe of a freshly changed device (EBUSY) is tried again for a moment before it fails.
   */
  async openDevice(devicePath: string, options: UDisks2OpenOptions): Promise<number> {
    const objectPath = await this.blockObject(devicePath);
    const flags = (options.exclusive ? O_EXCL : 0) | (options.direct === true ? O_DIRECT : 0);
    const action = options.mode === 'write' ? 'open for writing' : 'open for reading';
    for (let attempt = 0; ; attempt += 1) {
      try {
        const [fd] = await this.udisks(objectPath, `${UDISKS2}.Block`, 'OpenDevice', 'sa{sv}', [options.mode === 'write' ? 'rw' : 'r', { flags: this.variant('i', flags) }]);
        if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) throw new TypeError(`UDisks2 answered OpenDevice without a descriptor (${String(fd)})`);
        return fd;
      } catch (error) {
        if (isBusy(error) && attempt < BUSY_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS));
          continue;
        }
        throw error instanceof TypeError ? failed('DRIVE_ACCESS_FAILED', `${error.message}.`, 'Report the problem; run with sudo meanwhile.', error) : classifyUDisks2Error(error, devicePath, action);
      }
    }
  }

  private async objects(): Promise<ManagedObjects> {
    const [body] = await this.call(UDISKS2, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects', '', []);
    return managedObjects(body);
  }

  /** The mounted filesystems of the drive itself and its partitions: [object path, device, mount points]. */
  async mountedVolumes(devicePath: string): Promise<{ objectPath: string; device: string; mountPoints: string[] }[]> {
    const drive = await this.blockObject(devicePath);
    const objects = await this.objects();
    const volumes: { objectPath: string; device: string; mountPoints: string[] }[] = [];
    for (const [objectPath, interfaces] of objects) {
      const partition = interfaces.get(`${UDISKS2}.Partition`);
      const ownsIt = objectPath === drive || partition?.get('Table') === drive;
      const filesystem = interfaces.get(`${UDISKS2}.Filesystem`);
      if (!ownsIt || filesystem === undefined) continue;
      const points = mountPoints(filesystem.get('MountPoints'));
      if (points.length === 0) continue;
      const device = Buffer.from((interfaces.get(`${UDISKS2}.Block`)?.get('PreferredDevice') as Uint8Array | undefined) ?? []).toString('utf8').replace(/\0+$/, '');
      volumes.push({ objectPath, device: device === '' ? objectPath : device, mountPoints: points });
    }
    return volumes;
  }

  /** Unmounts one volume; a volume in use is DRIVE_BUSY naming its mount point. */
  async unmount(volume: { objectPath: string; device: string; mountPoints: string[] }): Promise<void> {
    try {
      await this.udisks(volume.objectPath, `${UDISKS2}.Filesystem`, 'Unmount', 'a{sv}', [{}]);
    } catch (error) {
      const typed = classifyUDisks2Error(error, volume.device, 'unmount');
      if (typed.code === 'DRIVE_BUSY') {
        throw refused('DRIVE_BUSY', `${volume.mountPoints.join(', ')} (${volume.device}) cannot be unmounted: files on it are in use; nothing was written.`, 'Close the files and windows that use it, then try again.');
      }
      throw typed;
    }
  }

  /**
   * Makes the drive safe to remove: a loop device is deleted (detached), a real drive powered off.
   * Says what was done; a drive that cannot be powered off is only flushed (the caller says so).
   */
  async release(devicePath: string, options: { interactive?: boolean } = {}): Promise<'deleted' | 'powered-off' | 'not-supported'> {
    const block = await this.blockObject(devicePath);
    const objects = await this.objects();
    const interfaces = objects.get(block);
    // Not interactive: if polkit would want a password, the answer is no rather than a prompt.
    const asked = options.interactive === false ? { 'auth.no_user_interaction': this.variant('b', true) } : {};
    try {
      if (interfaces?.has(`${UDISKS2}.Loop`) === true) {
        await this.udisks(block, `${UDISKS2}.Loop`, 'Delete', 'a{sv}', [asked]);
        return 'deleted';
      }
      const drive = asString(interfaces?.get(`${UDISKS2}.Block`)?.get('Drive') ?? '/', 'Drive');
      if (drive === '/' || objects.get(drive)?.get(`${UDISKS2}.Drive`)?.get('CanPowerOff') !== true) return 'not-supported';
      await this.udisks(drive, `${UDISKS2}.Drive`, 'PowerOff', 'a{sv}', [asked]);
      return 'powered-off';
    } catch (error) {
      throw classifyUDisks2Error(error, devicePath, 'release');
    }
  }

  close(): void {
    this.bus.disconnect();
  }
}
