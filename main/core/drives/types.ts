/**
 * What the rest of the app knows about a drive: one shape for real drives (from drivelist),
 * loop devices (from lsblk) and image files, so every rule and prompt treats them alike.
 */
export type DriveKind = 'usb' | 'card' | 'internal' | 'loop' | 'image' | 'virtual' | 'unknown';

export interface Drive {
  /** /dev/sdb, /dev/loop3, or an absolute image-file path. */
  path: string;
  kind: DriveKind;
  /** For people: "SanDisk Ultra (USB)", "loop device on /srv/x.img", "image file x.img". */
  description: string;
  /** Bytes; null when unknown (an empty card reader reports no size). */
  size: number | null;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  /** Upper-case lsblk TRAN ('USB', 'SATA', 'NVME', 'MMC'…), null when unknown. */
  bus: string | null;
  removable: boolean;
  readOnly: boolean;
  system: boolean;
  virtual: boolean;
  /** Every place the drive or one of its partitions is mounted, including "[SWAP]". */
  mountpoints: string[];
  partitionTableType: 'mbr' | 'gpt' | null;
  /** Loop devices only: the file the loop device reads and writes. */
  backingFile: string | null;
}

/** code is UPPER_SNAKE_CASE (scripts match on it); message says what is wrong and what to do. */
export interface Reason {
  code: string;
  message: string;
}

/**
 * What a drive is judged for (see eligibility.ts):
 * - provision: written for the appliance (`write`, `provision`, `format`, the wizard's Provision flow);
 * - sanitize: erased and reformatted (`sanitize`, the wizard's Sanitize flow);
 * - read: only read (`collect-logs`).
 */
export type DrivePurpose = 'provision' | 'sanitize' | 'read';

export interface DriveAssessment {
  drive: Drive;
  /** What people call it (format.ts displayNameOf; the training world's label for its drives). */
  displayName: string;
  eligible: boolean;
  refusals: Reason[];
  warnings: Reason[];
  /** Mount points of the drive's own volumes that will be unmounted before it is written (asked for with --unmount, or agreed to in the wizard). */
  unmount?: string[];
}
