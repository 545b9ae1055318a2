import type { Drive as DrivelistDrive } from 'drivelist';
import { parse as parseDrivelistLsblk } from 'drivelist/js/lsblk/json';
import { baseName, busLabel, productName } from './format';
import { allMountpoints, parseLsblk, partitionTableType, type LsblkDevice } from './lsblk';
import { isSystemMountpoint } from './mountpoints';
import type { Drive, DriveKind } from './types';

/**
 * What drivelist leaves out but lsblk knows (Linux only): vendor, model and serial apart,
 * the transport, every mountpoint (drivelist keeps one per partition), and for MMC devices
 * the card type from sysfs ("SD" card or soldered-in "MMC" storage).
 */
export interface DriveDetails {
  vendor: string | null;
  model: string | null;
  serial: string | null;
  tran: string | null;
  subsystems: string | null;
  mountpoints: string[];
  cardType: string | null;
}

/** Facts read from sysfs, passed in so parsing stays pure and runs on recorded fixtures. */
export interface SysfsFacts {
  /** Loop device path -> /sys/block/loopN/loop/backing_file. */
  backingFiles?: ReadonlyMap<string, string>;
  /** MMC device path -> /sys/block/mmcblkN/device/type ("SD", "MMC", "SDIO"). */
  cardTypes?: ReadonlyMap<string, string>;
}

const CARD_READER_MODEL = /card.?reader|multi.?card|SD\/MMC|\bSD\b|micro ?SD|Compact ?Flash|\bCF\b|\bxD\b|memory ?stick/i;

export function detailsOf(device: LsblkDevice, cardTypes: ReadonlyMap<string, string> = new Map()): DriveDetails {
  return {
    vendor: device.vendor,
    model: device.model,
    serial: device.serial,
    tran: device.tran,
    subsystems: device.subsystems,
    mountpoints: allMountpoints(device),
    cardType: cardTypes.get(device.path) ?? null,
  };
}

/** Details for every top-level device in an lsblk document, by device path. */
export function detailsFromLsblk(lsblkJson: unknown, cardTypes: ReadonlyMap<string, string> = new Map()): Map<string, DriveDetails> {
  return new Map(parseLsblk(lsblkJson).map((device) => [device.path, detailsOf(device, cardTypes)]));
}

function busOf(drive: DrivelistDrive, details: DriveDetails | undefined): string | null {
  if (details?.tran != null) return details.tran.toUpperCase();
  // lsblk before 2.39 leaves TRAN empty for SD/MMC; the subsystem chain still says mmc.
  if (details?.subsystems != null && details.subsystems.split(':').includes('mmc')) return 'MMC';
  if (/\/mmcblk\d+$/.test(drive.device)) return 'MMC';
  const reported = drive.busType.trim().toUpperCase();
  return reported === '' || reported === 'UNKNOWN' ? null : reported;
}

function kindOf(bus: string | null, virtual: boolean, removable: boolean, model: string | null, cardType: string | null): DriveKind {
  if (virtual) return 'virtual';
  if (bus === 'USB') return model !== null && CARD_READER_MODEL.test(model) ? 'card' : 'usb';
  if (bus === 'MMC' || bus === 'SD') return cardType === 'MMC' || cardType === 'SDIO' ? 'internal' : 'card';
  return removable ? 'unknown' : 'internal';
}

function connectionLabel(kind: DriveKind, bus: string | null): string {
  if (kind === 'card') return bus === 'USB' ? 'USB card reader' : 'built-in card reader';
  if (bus !== null) return busLabel(bus);
  if (kind === 'virtual') return 'virtual';
  if (kind === 'internal') return 'internal';
  return 'unknown connection';
}

/**
 * One drivelist drive as a Drive. On Linux pass the lsblk details for the same device:
 * without them vendor, model and serial stay null and only drivelist's mountpoints count.
 */
export function fromDrivelist(d: DrivelistDrive, details?: DriveDetails): Drive {
  const bus = busOf(d, details);
  const virtual = d.isVirtual === true;
  // The kernel marks SD cards in built-in readers non-removable, so drivelist calls them system
  // drives; sysfs says "SD" for a card someone can take out, "MMC" for soldered-in eMMC.
  const sdCard = details?.cardType === 'SD';
  const removable = d.isRemovable || sdCard;
  const mountpoints = details === undefined ? d.mountpoints.map((mountpoint) => mountpoint.path) : details.mountpoints;
  const system = (d.isSystem && !sdCard) || mountpoints.some((mountpoint) => isSystemMountpoint(mountpoint));
  const vendor = details?.vendor ?? null;
  const model = details?.model ?? null;
  const kind = kindOf(bus, virtual, removable, model ?? (details === undefined ? d.description : null), details?.cardType ?? null);
  const fallbackName = kind === 'card' ? 'SD card' : baseName(d.device);
  const name = productName(vendor, model) ?? (details === undefined && d.description.trim() !== '' ? d.description.trim() : fallbackName);
  return {
    path: d.device,
    kind,
    description: `${name} (${connectionLabel(kind, bus)})`,
    size: d.size !== null && d.size > 0 ? d.size : null,
    vendor,
    model,
    serial: details?.serial ?? null,
    bus,
    removable,
    readOnly: d.isReadOnly,
    system,
    virtual,
    mountpoints,
    partitionTableType: d.partitionTableType,
    backingFile: null,
  };
}

function isLoop(device: LsblkDevice): boolean {
  return device.type === 'loop' || /^\/dev\/loop\d+$/.test(device.path);
}

/**
 * Loop devices with a file attached, from `lsblk --json` output. Detached loops report size 0
 * and are not drives. backingFiles comes from /sys/block/loopN/loop/backing_file.
 */
export function loopDevicesFromLsblk(lsblkJson: unknown, backingFiles: ReadonlyMap<string, string> = new Map()): Drive[] {
  return parseLsblk(lsblkJson)
    .filter((device) => isLoop(device) && device.size !== null && device.size > 0)
    .map((device) => {
      const backingFile = backingFiles.get(device.path) ?? null;
      const mountpoints = allMountpoints(device);
      return {
        path: device.path,
        kind: 'loop',
        description: backingFile === null ? 'loop device with an unknown backing file' : `loop device on ${backingFile}`,
        size: device.size,
        vendor: null,
        model: null,
        serial: null,
        bus: null,
        // A loop device is a training drive: "removable" in the sense that matters, nothing depends on it.
        removable: true,
        readOnly: device.readOnly,
        system: mountpoints.some((mountpoint) => isSystemMountpoint(mountpoint)),
        virtual: true,
        mountpoints,
        partitionTableType: partitionTableType(device.pttype),
        backingFile,
      } satisfies Drive;
    });
}

/**
 * Every drive in one `lsblk --bytes --all --json --paths --output-all` snapshot: drivelist's
 * own parser for real drives (what drivelist.list() returns on Linux), completed with lsblk's
 * details, plus the attached loop devices drivelist leaves out.
 */
export function drivesFromLsblk(stdout: string, facts: SysfsFacts = {}): Drive[] {
  const details = detailsFromLsblk(stdout, facts.cardTypes);
  const drives = parseDrivelistLsblk(stdout).map((d) => fromDrivelist(d, details.get(d.device)));
  return [...drives, ...loopDevicesFromLsblk(stdout, facts.backingFiles)];
}
