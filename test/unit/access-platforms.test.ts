/**
 * macOS's and Windows's side of drive access, against recorded and composed outputs
 * (test/fixtures/macos, test/fixtures/windows: their READMEs say which is which): each parser
 * reads what it must, and each failure maps to its error code with a next step.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { driveAccess, type CommandResult, type CommandRunner } from '../../main/core/access/platform';
import { platformSupport, platformSupportWords } from '../../main/core/app/info';
import type { Drive } from '../../main/core/drives/types';
import { classifyAuthopenFailure, classifyDiskutilFailure, macCommands, parseDiskutilInfo, parseDiskutilList, rawDevicePath } from '../../main/core/access/macos/diskutil';
import { checkDiskBeforeClean, classifyDiskpartOutput, diskpartCleanScript, notElevated, parseGetDisk, physicalDriveNumber } from '../../main/core/access/windows/disks';

const fixture = (platform: string, name: string): string => readFileSync(path.join('test/fixtures', platform, name), 'utf8');

describe('macOS: diskutil', () => {
  it('reads a USB stick and an internal disk from diskutil info -plist', () => {
    expect(parseDiskutilInfo(fixture('macos', 'diskutil-info-usb.plist'))).toEqual({ identifier: 'disk4', node: '/dev/disk4', wholeDisk: true, size: 30_752_636_928, blockSize: 512, model: 'SanDisk Ultra', bus: 'USB', internal: false, removable: true, ejectable: true, writable: true, virtual: false });
    expect(parseDiskutilInfo(fixture('macos', 'diskutil-info-internal.plist'))).toMatchObject({ identifier: 'disk0', internal: true, removable: false, blockSize: 4096, bus: 'Apple Fabric' });
  });

  it('lists the whole disks of diskutil list -plist with their mounted volumes', () => {
    expect(parseDiskutilList(fixture('macos', 'diskutil-list-external.plist'))).toEqual([
      { identifier: 'disk4', size: 30_752_636_928, mountPoints: ['/Volumes/PANORAMA'] },
      { identifier: 'disk5', size: 7_948_206_080, mountPoints: [] },
    ]);
  });

  it('refuses output that is not a property list, and a partition where a whole disk is needed', () => {
    expect(() => parseDiskutilInfo('Could not find disk: disk9')).toThrow(expect.objectContaining({ code: 'UNEXPECTED_OUTPUT' }) as Error);
    expect(rawDevicePath('/dev/disk4')).toBe('/dev/rdisk4');
    expect(() => rawDevicePath('/dev/disk4s1')).toThrow(expect.objectContaining({ code: 'NOT_A_WHOLE_DISK' }) as Error);
  });

  it('unmounts, authorises and ejects only the chosen disk, with argument lists (no shell)', () => {
    expect(macCommands.unmountDisk('/dev/disk4')).toEqual(['diskutil', ['unmountDisk', '/dev/disk4']]);
    expect(macCommands.eject('/dev/disk4')).toEqual(['diskutil', ['eject', '/dev/disk4']]);
    expect(macCommands.authopen('/dev/disk4')).toEqual(['/usr/libexec/authopen', ['-stdoutpipe', '-o', '2', '/dev/rdisk4']]);
    expect(macCommands.authopen('/dev/disk4', false)).toEqual(['/usr/libexec/authopen', ['-stdoutpipe', '-o', '0', '/dev/rdisk4']]);
  });

  it('maps diskutil and authopen failures to codes with a next step', () => {
    const busy = classifyDiskutilFailure('/dev/disk4', fixture('macos', 'diskutil-unmount-busy.txt'));
    expect(busy).toMatchObject({ code: 'DRIVE_BUSY', message: expect.stringContaining('Finder') as unknown, nextStep: expect.stringContaining('Close') as unknown });
    expect(classifyDiskutilFailure('/dev/disk9', fixture('macos', 'diskutil-unmount-gone.txt'))).toMatchObject({ code: 'DRIVE_CHANGED' });
    expect(classifyDiskutilFailure('/dev/disk4', 'Operation not permitted')).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(classifyAuthopenFailure('/dev/disk4', 1, 'authopen: user cancelled')).toMatchObject({ code: 'AUTHORIZATION_DISMISSED' });
    expect(classifyAuthopenFailure('/dev/disk4', 1, '')).toMatchObject({ code: 'AUTHORIZATION_DENIED' });
    for (const error of [busy, classifyAuthopenFailure('/dev/disk4', 2, 'no such file')]) expect(error.nextStep).toBeTruthy();
  });
});

describe('Windows: Get-Disk and diskpart', () => {
  const disks = parseGetDisk(fixture('windows', 'get-disk.json'));

  it('reads Get-Disk | ConvertTo-Json, one disk or several', () => {
    expect(disks).toEqual([
      { number: 0, model: 'Samsung SSD 980 PRO 1TB', serial: '0025_3852_1190_3A41.', size: 1_000_204_886_016, logicalSectorSize: 512, bus: 'NVMe', isBoot: true, isSystem: true, isOffline: false, isReadOnly: false },
      { number: 2, model: 'SanDisk Ultra', serial: '4C530001230518114393', size: 30_752_636_928, logicalSectorSize: 512, bus: 'USB', isBoot: false, isSystem: false, isOffline: false, isReadOnly: false },
    ]);
    expect(parseGetDisk(fixture('windows', 'get-disk-one.json'))).toEqual([expect.objectContaining({ number: 2, serial: null, isReadOnly: true })]);
    expect(() => parseGetDisk('Get-Disk : Access denied')).toThrow(expect.objectContaining({ code: 'UNEXPECTED_OUTPUT' }) as Error);
  });

  it('takes the disk number from \\\\.\\PhysicalDriveN only', () => {
    expect(physicalDriveNumber('\\\\.\\PhysicalDrive2')).toBe(2);
    expect(() => physicalDriveNumber('C:')).toThrow(expect.objectContaining({ code: 'NOT_A_WHOLE_DISK' }) as Error);
  });

  it('re-checks the disk right before cleaning it: the system disk, another drive, a read-only one are refused', () => {
    const stick = { number: 2, size: 30_752_636_928, model: 'SanDisk Ultra', serial: '4C530001230518114393' };
    expect(checkDiskBeforeClean(disks, stick).number).toBe(2);
    expect(() => checkDiskBeforeClean(disks, { ...stick, number: 0, size: null, model: null, serial: null })).toThrow(expect.objectContaining({ code: 'SYSTEM_DRIVE' }) as Error);
    expect(() => checkDiskBeforeClean(disks, { ...stick, serial: 'OTHER' })).toThrow(expect.objectContaining({ code: 'DRIVE_CHANGED' }) as Error);
    expect(() => checkDiskBeforeClean(disks, { ...stick, number: 5 })).toThrow(expect.objectContaining({ code: 'DRIVE_CHANGED' }) as Error);
    expect(() => checkDiskBeforeClean(parseGetDisk(fixture('windows', 'get-disk-one.json')), { number: 2, size: 7_948_206_080, model: null, serial: null })).toThrow(expect.objectContaining({ code: 'TARGET_READ_ONLY' }) as Error);
  });

  it('cleans with a diskpart script naming that disk only, and reads its answer', () => {
    expect(diskpartCleanScript(2)).toBe('select disk 2\r\nclean\r\nrescan\r\nexit\r\n');
    expect(classifyDiskpartOutput(2, fixture('windows', 'diskpart-clean-ok.txt'), 0)).toBeNull();
    expect(classifyDiskpartOutput(2, fixture('windows', 'diskpart-access-denied.txt'), 1)).toMatchObject({ code: 'PERMISSION_DENIED', nextStep: expect.stringContaining('Administrator terminal') as unknown });
    expect(classifyDiskpartOutput(2, fixture('windows', 'diskpart-write-protected.txt'), 1)).toMatchObject({ code: 'TARGET_READ_ONLY' });
    expect(classifyDiskpartOutput(2, fixture('windows', 'diskpart-no-disk.txt'), 1)).toMatchObject({ code: 'DRIVE_CHANGED' });
    // Success words with a failing status are not believed.
    expect(classifyDiskpartOutput(2, fixture('windows', 'diskpart-clean-ok.txt'), 1)).toMatchObject({ code: 'DRIVE_ACCESS_FAILED' });
    expect(notElevated()).toMatchObject({ code: 'PERMISSION_DENIED', nextStep: expect.stringContaining('Administrator terminal') as unknown });
  });
});

describe('what the app says of each platform', () => {
  it('calls Linux tested and macOS / Windows written but not run there, by name', () => {
    expect(platformSupport('linux')).toBe('tested');
    expect(platformSupportWords('darwin', platformSupport('darwin'))).toMatch(/has not run on macOS yet: try it on a spare drive first/);
    expect(platformSupportWords('win32', platformSupport('win32'))).toMatch(/has not run on Windows yet/);
  });
});

describe("each system's drive access, chosen by platform in one place", () => {
  /** Answers each command with a fixture, and keeps what was run. */
  const runner = (answers: Record<string, CommandResult | ((args: readonly string[]) => CommandResult)>): { run: CommandRunner; ran: string[][] } => {
    const ran: string[][] = [];
    return {
      ran,
      run: (command, args) => {
        ran.push([command, ...args]);
        const answer = answers[path.basename(command)];
        if (answer === undefined) throw new Error(`unexpected command ${command}`);
        return Promise.resolve(typeof answer === 'function' ? answer(args) : answer);
      },
    };
  };
  const ok = (stdout = ''): CommandResult => ({ status: 0, stdout, stderr: '' });
  const stick = { path: '\\\\.\\PhysicalDrive2', size: 30_752_636_928, model: 'SanDisk Ultra', serial: '4C530001230518114393' };
  const layout = { mountPoints: [], replacesLayout: true };
  const usbInfo = fixture('macos', 'diskutil-info-usb.plist');
  const macStick = { path: '/dev/disk4', size: 30_752_636_928, model: 'SanDisk Ultra', serial: null };
  const macDrive = { path: '/dev/disk4', kind: 'usb' } as Drive;

  it("chooses by platform: Linux, macOS, Windows (anything else as Linux), and knows each one's drive paths", () => {
    expect(['linux', 'darwin', 'win32', 'freebsd'].map((platform) => driveAccess(platform as NodeJS.Platform).platform)).toEqual(['linux', 'darwin', 'win32', 'linux']);
    expect(driveAccess('darwin').isDrivePath('/dev/disk4')).toBe(true);
    expect(driveAccess('darwin').isDrivePath('/Users/me/stick.img')).toBe(false);
    expect(driveAccess('win32').isDrivePath('\\\\.\\PhysicalDrive2')).toBe(true);
    expect(driveAccess('win32').isDrivePath('C:\\stick.img')).toBe(false);
  });

  it('macOS: the disk checked again with diskutil info, then diskutil unmountDisk on that disk; a volume in use is DRIVE_BUSY', async () => {
    const fine = runner({ diskutil: (args) => (args[0] === 'info' ? ok(usbInfo) : ok('Unmount of all volumes on disk4 was successful\n')) });
    await driveAccess('darwin', { run: fine.run }).beforeOpen(macStick, layout);
    expect(fine.ran).toEqual([
      ['diskutil', 'info', '-plist', '/dev/disk4'],
      ['diskutil', 'unmountDisk', '/dev/disk4'],
    ]);
    const busy = runner({ diskutil: (args) => (args[0] === 'info' ? ok(usbInfo) : { status: 1, stdout: '', stderr: fixture('macos', 'diskutil-unmount-busy.txt') }) });
    await expect(driveAccess('darwin', { run: busy.run }).beforeOpen(macStick, layout)).rejects.toMatchObject({ code: 'DRIVE_BUSY' });
  });

  it('macOS: an internal disk, or another disk than the one chosen, is refused before anything is unmounted', async () => {
    const internal = runner({ diskutil: ok(fixture('macos', 'diskutil-info-internal.plist')) });
    await expect(driveAccess('darwin', { run: internal.run }).beforeOpen({ ...macStick, path: '/dev/disk0', size: null, model: null }, layout)).rejects.toMatchObject({ code: 'SYSTEM_DRIVE' });
    const swapped = runner({ diskutil: ok(usbInfo) });
    await expect(driveAccess('darwin', { run: swapped.run }).beforeOpen({ ...macStick, size: 8_000_000_000 }, layout)).rejects.toMatchObject({ code: 'DRIVE_CHANGED' });
    expect([...internal.ran, ...swapped.ran].map((command) => command[1])).toEqual(['info', 'info']);
  });

  it('macOS: a drive is released with diskutil eject; one that will not eject says why', async () => {
    const fine = runner({ diskutil: ok('Disk /dev/disk4 ejected\n') });
    expect(await driveAccess('darwin', { run: fine.run }).release(macDrive, { interactive: true })).toEqual({ attempted: true, ejected: true, detail: 'ejected: safe to remove' });
    expect(fine.ran).toEqual([['diskutil', 'eject', '/dev/disk4']]);
    const busy = runner({ diskutil: { status: 1, stdout: '', stderr: fixture('macos', 'diskutil-unmount-busy.txt') } });
    await expect(driveAccess('darwin', { run: busy.run }).release(macDrive, { interactive: true })).rejects.toMatchObject({ code: 'DRIVE_BUSY' });
  });

  it('Windows: opening a disk needs an elevated session (PERMISSION_DENIED saying how), and a read-only disk is refused for writing', async () => {
    const notAdmin = runner({ 'net.exe': { status: 2, stdout: '', stderr: 'System error 5 has occurred. Access is denied.' } });
    await expect(driveAccess('win32', { run: notAdmin.run }).open(stick.path, { access: 'write' })).rejects.toMatchObject({ code: 'PERMISSION_DENIED', nextStep: expect.stringContaining('Administrator terminal') as unknown });
    expect(notAdmin.ran.map((command) => command[0])).toEqual(['net.exe']);
    const readOnly = runner({ 'net.exe': ok(), 'powershell.exe': ok(fixture('windows', 'get-disk-one.json')) });
    await expect(driveAccess('win32', { run: readOnly.run }).open(stick.path, { access: 'write' })).rejects.toMatchObject({ code: 'TARGET_READ_ONLY' });
    const gone = runner({ 'net.exe': ok(), 'powershell.exe': ok(fixture('windows', 'get-disk.json')) });
    await expect(driveAccess('win32', { run: gone.run }).open('\\\\.\\PhysicalDrive7', { access: 'read' })).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
  });

  it('Windows: before the first byte, the disk is checked again, then diskpart clean of that disk alone; another disk: nothing run', async () => {
    const fine = runner({ 'powershell.exe': ok(fixture('windows', 'get-disk.json')), 'diskpart.exe': ok(fixture('windows', 'diskpart-clean-ok.txt')) });
    await driveAccess('win32', { run: fine.run }).beforeFirstWrite(stick, layout);
    expect(fine.ran.map((command) => command[0])).toEqual(['powershell.exe', 'diskpart.exe']);
    expect(fine.ran[1]?.slice(1, 2)).toEqual(['/s']);

    const swapped = runner({ 'powershell.exe': ok(fixture('windows', 'get-disk.json')) });
    await expect(driveAccess('win32', { run: swapped.run }).beforeFirstWrite({ ...stick, serial: 'ANOTHER' }, layout)).rejects.toMatchObject({ code: 'DRIVE_CHANGED' });
    expect(swapped.ran.map((command) => command[0])).toEqual(['powershell.exe']);

    const protectedCard = runner({ 'powershell.exe': ok(fixture('windows', 'get-disk.json')), 'diskpart.exe': { status: 1, stdout: fixture('windows', 'diskpart-write-protected.txt'), stderr: '' } });
    await expect(driveAccess('win32', { run: protectedCard.run }).beforeFirstWrite(stick, layout)).rejects.toMatchObject({ code: 'TARGET_READ_ONLY' });
  });

  it("Windows: a write that keeps the drive's files is not available yet (said so, nothing run but the elevation check); eject is honest", async () => {
    const admin = runner({ 'net.exe': ok() });
    await expect(driveAccess('win32', { run: admin.run }).beforeOpen(stick, { mountPoints: [], replacesLayout: false })).rejects.toMatchObject({ code: 'NOT_AVAILABLE_YET', nextStep: expect.stringContaining('format') as unknown });
    expect(admin.ran.map((command) => command[0])).toEqual(['net.exe']);
    const released = await driveAccess('win32', { run: admin.run }).release({ path: stick.path, kind: 'usb' } as Drive, { interactive: true });
    expect(released).toMatchObject({ attempted: false, ejected: false, detail: expect.stringContaining('Safely Remove Hardware') as unknown });
    expect(await driveAccess('win32', { run: admin.run }).unmount(stick.path, ['E:\\'])).toEqual([]);
  });
});
