/**
 * Tools nobody here wrote, used to check our output: fsck.fat, mtools, sfdisk, mkfs.fat, losetup.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tool(command: string, args: readonly string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): ToolRun {
  const result = spawnSync(command, args, { encoding: 'utf8', input: options.input, env: { ...process.env, ...options.env }, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw new Error(`${command} could not run: ${result.error.message} (install it: see README, "Tests")`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like tool(), but the command must succeed. */
export function mustRun(command: string, args: readonly string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): string {
  const run = tool(command, args, options);
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr || run.stdout}`);
  return run.stdout;
}

/** mtools refuses images that do not look like its configured drives unless told otherwise. */
export const MTOOLS_ENV = { MTOOLS_SKIP_CHECK: '1', MTOOLS_NO_VFAT: '0' };

export function mtools(command: string, args: readonly string[], input?: Buffer): string {
  return mustRun(command, args, { env: MTOOLS_ENV, ...(input === undefined ? {} : { input }) });
}

/** mtools' notation for "the FAT volume starting at this byte offset inside this image". */
export function mtoolsImage(image: string, offsetBytes: number): string {
  return offsetBytes === 0 ? image : `${image}@@${offsetBytes}`;
}

export const isRoot = (): boolean => process.geteuid?.() === 0;

export function canUseLoopDevices(): boolean {
  return isRoot() && tool('losetup', ['--version']).status === 0;
}

/** Attaches an image (or a window of it) to a free loop device; returns the device path. */
export function attachLoop(image: string, options: { offset?: number; sizeLimit?: number; readOnly?: boolean } = {}): string {
  const args = ['-f', '--show'];
  if (options.offset !== undefined) args.push('-o', String(options.offset));
  if (options.sizeLimit !== undefined) args.push('--sizelimit', String(options.sizeLimit));
  if (options.readOnly === true) args.push('-r');
  return mustRun('losetup', [...args, image]).trim();
}

export function detachLoop(device: string): void {
  tool('losetup', ['-d', device]);
}

/**
 * `fsck.fat -n` (check only, change nothing) on the FAT volume at `offsetBytes` of an image.
 * fsck.fat has no offset option: as root we give it a loop device over the volume; otherwise a
 * sparse copy of the volume.
 */
export function fsckFat(image: string, offsetBytes: number, sizeBytes: number): ToolRun {
  if (canUseLoopDevices()) {
    const loop = attachLoop(image, { offset: offsetBytes, sizeLimit: sizeBytes });
    try {
      return tool('fsck.fat', ['-n', '-v', loop]);
    } finally {
      detachLoop(loop);
    }
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'fsck-'));
  try {
    const copy = path.join(dir, 'volume.img');
    mustRun('dd', [`if=${image}`, `of=${copy}`, 'bs=1M', `skip=${offsetBytes}`, `count=${sizeBytes}`, 'iflag=skip_bytes,count_bytes', 'conv=sparse', 'status=none']);
    return tool('fsck.fat', ['-n', '-v', copy]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
