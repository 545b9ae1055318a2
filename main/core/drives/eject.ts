/**
 * Making a written drive safe to pull. The data is already flushed (fsync) when this runs; on
 * Linux we also ask the OS to power the drive off (udisksctl, else eject), so its light goes out
 * and the technician knows it is done. Virtual drives have nothing to eject.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Drive } from './types';

const execFileAsync = promisify(execFile);

export interface EjectResult {
  attempted: boolean;
  ejected: boolean;
  detail: string;
}

async function tryCommand(command: string, args: readonly string[]): Promise<string | null> {
  try {
    await execFileAsync(command, args, { timeout: 30_000 });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
  }
}

export async function ejectDrive(drive: Drive): Promise<EjectResult> {
  if (drive.kind === 'image' || drive.kind === 'loop') {
    return { attempted: false, ejected: false, detail: 'virtual drive: flushed, nothing to eject' };
  }
  if (process.platform !== 'linux') {
    return { attempted: false, ejected: false, detail: 'flushed; eject it from the system tray (Windows) or Finder (macOS) before pulling it out' };
  }
  const udisks = await tryCommand('udisksctl', ['power-off', '--no-user-interaction', '-b', drive.path]);
  if (udisks === null) return { attempted: true, ejected: true, detail: 'powered off with udisksctl: safe to remove' };
  const eject = await tryCommand('eject', [drive.path]);
  if (eject === null) return { attempted: true, ejected: true, detail: 'ejected: safe to remove' };
  return { attempted: true, ejected: false, detail: `flushed, but the OS did not eject it (${eject}): wait for its light to stop blinking, then remove it` };
}
