/**
 * Real loop devices, as root: listDrives() must find them through lsblk and sysfs, judge them
 * like the rules say, and the identity check must notice a write to the device itself.
 * Skipped with a printed reason when not root or when losetup cannot attach.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSameDrive, assessDrive, describeDrive, listDrives, requireEligible, resolveTarget, takeIdentity, type Drive } from '../../main/core/drives';
import { expectRefusal } from '../support/refusal';
import { mustRun as mustRunTool, tool, type ToolRun } from '../support/tools';

const GiB = 1024 ** 3;

function run(command: string, args: readonly string[]): ToolRun {
  try {
    return tool(command, args);
  } catch (error) {
    return { status: null, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
  }
}

const mustRun = (command: string, args: readonly string[]): string => mustRunTool(command, args).trim();

function skipReason(): string | null {
  if (process.platform !== 'linux') return 'loop devices are Linux only';
  if (process.geteuid?.() !== 0) return 'attaching loop devices needs root';
  const version = run('losetup', ['--version']);
  if (version.status !== 0) return `losetup is not available (${version.stderr.trim()})`;
  return null;
}

const reason = skipReason();
if (reason !== null) console.warn(`drives-loop: skipping the loop-device tests: ${reason}.`);

describe.skipIf(reason !== null)('loop devices (root)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drives-loop-'));
  const attached: string[] = [];
  const mounts: string[] = [];
  let writable = '';
  let readOnly = '';
  let writableImage = '';

  function image(name: string, size: number): string {
    const file = path.join(dir, name);
    writeFileSync(file, '');
    truncateSync(file, size);
    return realpathSync(file);
  }

  function attach(file: string, options: readonly string[] = []): string {
    const device = mustRun('losetup', [...options, '-f', '--show', file]);
    attached.push(device);
    return device;
  }

  async function listed(device: string): Promise<Drive> {
    const drive = (await listDrives()).find((candidate) => candidate.path === device);
    if (drive === undefined) throw new Error(`${device} is not listed`);
    return drive;
  }

  beforeAll(() => {
    writableImage = image('train.img', 2 * GiB);
    writable = attach(writableImage);
    readOnly = attach(image('locked.img', 2 * GiB), ['-r']);
  });

  afterAll(() => {
    // Every step on its own: one failure must not leave the others attached or mounted.
    for (const mountpoint of mounts.reverse()) run('umount', [mountpoint]);
    for (const device of attached.reverse()) run('losetup', ['-d', device]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists an attached writable loop with its backing file, eligible', async () => {
    const drive = await listed(writable);
    expect(drive).toMatchObject({ kind: 'loop', backingFile: writableImage, size: 2 * GiB, readOnly: false, virtual: true, system: false, mountpoints: [] });
    expect(describeDrive(drive)).toBe(`${writable} (loop device on ${writableImage}, 2.1 GB)`);
    expect(assessDrive(drive)).toMatchObject({ eligible: true, refusals: [], warnings: [] });
    expect(await resolveTarget(writable)).toEqual(drive);
  });

  it('refuses a loop attached read-only (losetup -r): TARGET_READ_ONLY', async () => {
    const drive = await listed(readOnly);
    expect(drive.readOnly).toBe(true);
    await expectRefusal(Promise.resolve().then(() => requireEligible(drive)), { code: 'TARGET_READ_ONLY' }, `losetup -d ${readOnly}`);
  });

  it('notices a write to the device itself: DRIVE_CHANGED', async () => {
    const chosen = await takeIdentity(await resolveTarget(writable));
    await expect(assertSameDrive(chosen)).resolves.toEqual(chosen);
    const handle = await open(writable, 'r+');
    try {
      await handle.write(Buffer.from([0x55, 0xaa]), 0, 2, 510);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await expectRefusal(assertSameDrive(chosen), { code: 'DRIVE_CHANGED' }, '(partition table)');
  });

  it('refuses a loop device with nothing attached: NOT_A_WHOLE_DRIVE, and a chosen loop that was detached: DRIVE_CHANGED', async () => {
    const device = attach(image('gone.img', 2 * GiB));
    const chosen = await takeIdentity(await resolveTarget(device));
    mustRun('losetup', ['-d', device]);
    attached.splice(attached.indexOf(device), 1);
    await expect(resolveTarget(device)).rejects.toMatchObject({ code: 'NOT_A_WHOLE_DRIVE', outcome: 'refused' });
    await expectRefusal(assertSameDrive(chosen), { code: 'DRIVE_CHANGED' }, `${device} is no longer there as a usable drive`);
  });

  it('refuses a mounted loop: MOUNTED, with the umount command', async (context) => {
    const device = attach(image('mounted.img', 2 * GiB));
    const mkfs = run('mkfs.ext4', ['-q', '-F', device]);
    const mountpoint = path.join(dir, 'mnt');
    mkdirSync(mountpoint);
    const mount = mkfs.status === 0 ? run('mount', [device, mountpoint]) : mkfs;
    if (mount.status !== 0) {
      console.warn(`drives-loop: skipping the mounted-loop test: cannot make and mount ext4 here (${mount.stderr.trim()}).`);
      context.skip();
    }
    mounts.push(mountpoint);
    const drive = await listed(device);
    expect(drive.mountpoints).toEqual([mountpoint]);
    const assessment = assessDrive(drive);
    expect(assessment.refusals.map((refusal) => refusal.code)).toEqual(['MOUNTED']);
    expect(assessment.refusals[0]?.message).toContain(`umount ${mountpoint}`);
  });
});
