import process from 'node:process';

// Where an operating system keeps itself. A drive holding any of these is the running system,
// whatever its bus or removable flag says (a Linux installed on a USB stick is still the system).
const SYSTEM_MOUNTPOINTS = new Set(['/', '/boot', '/efi', '/usr', '/var', '/home', '[SWAP]', '/private/var/vm']);
const SYSTEM_PREFIXES = ['/boot/', '/System/Volumes/'];

/**
 * True for mountpoints of the running system: /, /boot and below, /usr, /var, /home, swap,
 * macOS's system volumes, and Windows' system drive (%SystemDrive%, normally C:\).
 */
export function isSystemMountpoint(mountpoint: string, systemDrive: string = process.env.SystemDrive ?? 'C:'): boolean {
  const windowsRoot = /^([A-Za-z]:)\\?$/.exec(mountpoint);
  if (windowsRoot?.[1] !== undefined) return windowsRoot[1].toUpperCase() === systemDrive.toUpperCase();
  return SYSTEM_MOUNTPOINTS.has(mountpoint) || SYSTEM_PREFIXES.some((prefix) => mountpoint.startsWith(prefix));
}

/** The command a person types to unmount: umount on Linux, diskutil on macOS, Disk Management on Windows. */
export function unmountHint(devicePath: string, mountpoints: readonly string[], platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return `diskutil unmountDisk ${devicePath}`;
  if (platform === 'win32') return `remove the drive letter ${mountpoints.join(', ')} in Disk Management`;
  return `umount ${mountpoints.map(quoteForShell).join(' ')}`;
}

function quoteForShell(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
