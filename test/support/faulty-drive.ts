/**
 * Drives that fail like real ones: a real block device (a loop device, buffered) over the one file
 * of a FUSE file system (test/support/faulty-drive.py, Debian's python3-pyfuse3) whose reads and
 * writes fail, stall, stop ("pulled out") or lose data (a counterfeit stick) as the test's fault
 * plan says — changeable while the drive is in use. This kernel has no device-mapper and no nbd;
 * FUSE and loop devices are what it has. Needs root; skipped with the reason where FUSE is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mustRun } from './tools';

const SERVER = path.resolve('test/support/faulty-drive.py');
/** Debian's Python, where python3-pyfuse3 lives (a PATH python3 may be another one). */
const PYTHON = '/usr/bin/python3';

export type ByteRange = [start: number, end: number];

export interface FaultPlan {
  readErrors?: ByteRange[];
  writeErrors?: ByteRange[];
  /** Operations (in `ranges`, or all) wait `ms`, or without `ms` until the plan drops the stall. */
  stall?: { ranges?: ByteRange[]; ms?: number };
  /** The stick is pulled out once this many bytes were written: every operation fails EIO. */
  failAfterBytesWritten?: number;
  /** A counterfeit: only `capacity` bytes are real; past them writes vanish (limbo) or wrap around. */
  capacity?: number;
  mode?: 'limbo' | 'wraparound';
}

export interface FaultStats {
  bytesRead: number;
  bytesWritten: number;
  readErrors: number;
  writeErrors: number;
  stalls: number;
}

export interface FaultyDrive {
  /** The block device (/dev/loopN). */
  device: string;
  /** Where its bytes really are (past a counterfeit's capacity: nowhere). */
  store: string;
  size: number;
  setPlan(plan: FaultPlan): void;
  stats(): FaultStats;
  /** Detaches the loop device (once) and unmounts; safe to call twice. */
  stop(): Promise<void>;
}

/** Why a faulty drive cannot be made here, or null. */
export function faultyDriveUnavailable(): string | null {
  if (process.platform !== 'linux') return 'fault-injecting drives need Linux (FUSE and loop devices)';
  if (process.getuid?.() !== 0) return 'loop devices over a FUSE file need root';
  if (!existsSync('/dev/fuse')) return 'this kernel has no FUSE (/dev/fuse)';
  if (!existsSync('/usr/bin/fusermount3')) return 'fuse3 is not installed (Debian package fuse3)';
  if (spawnSync(PYTHON, ['-c', 'import pyfuse3, trio']).status !== 0) return 'pyfuse3 is not installed (Debian package python3-pyfuse3)';
  return null;
}

function waitForReady(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    let errors = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      said += chunk.toString('utf8');
      if (/^ready$/m.test(said)) resolve();
    });
    server.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    server.once('exit', (code) => reject(new Error(`the faulty drive's server stopped (${String(code)}) before it was ready: ${errors}`)));
  });
}

/** A faulty drive of `size` bytes (sparse), with `plan` in force from the start. */
export async function startFaultyDrive(size: number, plan: FaultPlan = {}): Promise<FaultyDrive> {
  const dir = mkdtempSync(path.join(tmpdir(), 'faulty-drive-'));
  const mountpoint = path.join(dir, 'mnt');
  mkdirSync(mountpoint);
  const store = path.join(dir, 'store.img');
  writeFileSync(store, '');
  truncateSync(store, size);
  const planFile = path.join(dir, 'plan.json');
  // Replaced in one rename: the server never reads half a plan.
  const setPlan = (next: FaultPlan): void => {
    writeFileSync(`${planFile}.tmp`, JSON.stringify(next));
    renameSync(`${planFile}.tmp`, planFile);
  };
  setPlan(plan);
  const server = spawn(PYTHON, [SERVER, mountpoint, store, String(size), planFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let device: string | null = null;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (device !== null) spawnSync('losetup', ['-d', device]);
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    spawnSync('fusermount3', ['-u', '-q', mountpoint]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForReady(server);
    // Buffered (--direct-io=off), as a USB stick is: writes reach the drive when the kernel writes back.
    device = mustRun('losetup', ['--find', '--show', '--direct-io=off', path.join(mountpoint, 'drive.img')]).trim();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    device,
    store,
    size,
    setPlan,
    stats: () => JSON.parse(readFileSync(`${store}.stats.json`, 'utf8')) as FaultStats,
    stop,
  };
}
