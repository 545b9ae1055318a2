import path from 'node:path';
import { failed } from '../errors';

/**
 * One block device as lsblk describes it, read tolerantly: lsblk 2.38 prints booleans, numbers
 * and `mountpoints` arrays; older versions print "0"/"1", numeric strings and one `mountpoint`.
 */
export interface LsblkDevice {
  path: string;
  type: string | null;
  size: number | null;
  readOnly: boolean;
  removable: boolean;
  hotplug: boolean;
  tran: string | null;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  pttype: string | null;
  subsystems: string | null;
  /** This device's own mountpoints; see allMountpoints() for its partitions' too. */
  mountpoints: string[];
  children: LsblkDevice[];
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unreadable(detail: string): Error {
  return failed('LSBLK_OUTPUT_UNREADABLE', `The drive list from lsblk could not be read: ${detail}.`, 'Check that util-linux (lsblk) is installed and up to date, then list the drives again.');
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

function bytes(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

function ownMountpoints(raw: JsonObject): string[] {
  const found = new Set<string>();
  // mountpoints (2.37+) lists every mount, with [null] for none; mountpoint holds at most one.
  if (Array.isArray(raw.mountpoints)) {
    for (const entry of raw.mountpoints) {
      const mountpoint = text(entry);
      if (mountpoint !== null) found.add(mountpoint);
    }
  }
  const single = text(raw.mountpoint);
  if (single !== null) found.add(single);
  return [...found];
}

function devicePath(raw: JsonObject): string {
  const name = text(raw.name) ?? text(raw.kname) ?? text(raw.path);
  if (name === null) throw unreadable('a device has no name');
  // Without --paths lsblk prints bare names ("sdb"); drivelist resolves them the same way.
  return path.posix.isAbsolute(name) ? name : path.posix.join('/dev', name);
}

function toDevice(raw: unknown): LsblkDevice {
  if (!isObject(raw)) throw unreadable('a device entry is not an object');
  const children = raw.children === undefined || raw.children === null ? [] : raw.children;
  if (!Array.isArray(children)) throw unreadable('"children" is not a list');
  return {
    path: devicePath(raw),
    type: text(raw.type),
    size: bytes(raw.size),
    readOnly: flag(raw.ro),
    removable: flag(raw.rm),
    hotplug: flag(raw.hotplug),
    tran: text(raw.tran),
    vendor: text(raw.vendor),
    model: text(raw.model),
    serial: text(raw.serial),
    pttype: text(raw.pttype),
    subsystems: text(raw.subsystems),
    mountpoints: ownMountpoints(raw),
    children: children.map(toDevice),
  };
}

/** Parses `lsblk --json` output, given as its text or already parsed. Top-level devices only; partitions are their children. */
export function parseLsblk(output: unknown): LsblkDevice[] {
  let document = output;
  if (typeof output === 'string') {
    try {
      document = JSON.parse(output);
    } catch (error) {
      throw unreadable(`not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (!isObject(document) || !Array.isArray(document.blockdevices)) throw unreadable('no "blockdevices" list');
  return document.blockdevices.map(toDevice);
}

/** Mountpoints of the device and of every partition or volume under it, without repeats. */
export function allMountpoints(device: LsblkDevice): string[] {
  return [...new Set([...device.mountpoints, ...device.children.flatMap(allMountpoints)])];
}

export function partitionTableType(pttype: string | null): 'mbr' | 'gpt' | null {
  if (pttype === 'gpt') return 'gpt';
  if (pttype === 'dos') return 'mbr';
  return null;
}
