/**
 * The fault-injecting drive itself (test/support/faulty-drive.*): before any product test leans
 * on it, each fault is shown to happen on the real block device, seen by tools nobody here wrote
 * (dd, f3probe) and by plain reads and writes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, writeSync, fsyncSync, constants } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { faultyDriveUnavailable, startFaultyDrive, type FaultyDrive } from '../support/faulty-drive';

const MiB = 1024 * 1024;
const unavailable = faultyDriveUnavailable();
if (unavailable !== null) console.warn(`Fault-injecting drive tests skipped: ${unavailable}.`);
const f3probe = spawnSync('f3probe', ['--version']).error === undefined;

/** Waits (on the drive's own counters, never a fixed sleep) until `ready` holds. */
async function until(drive: FaultyDrive, ready: (stats: ReturnType<FaultyDrive['stats']>) => boolean): Promise<void> {
  for (;;) {
    if (ready(drive.stats())) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function pattern(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index += 4) bytes.writeUInt32LE((index * 2654435761 + seed) >>> 0, index);
  return bytes;
}

/** dd from /dev/zero into the device at `offset` with O_DIRECT (the error shows at once); its exit status and stderr. */
function ddWrite(device: string, offset: number, length: number): { status: number | null; stderr: string } {
  const run = spawnSync('dd', ['if=/dev/zero', `of=${device}`, 'bs=64K', `seek=${offset}`, `count=${length}`, 'iflag=count_bytes', 'oflag=seek_bytes,direct', 'conv=notrunc'], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

describe.skipIf(unavailable !== null)('a fault-injecting drive (FUSE + loop device)', () => {
  const drives: FaultyDrive[] = [];
  afterEach(async () => {
    for (const drive of drives.splice(0)) await drive.stop();
  });
  const start = async (...args: Parameters<typeof startFaultyDrive>): Promise<FaultyDrive> => {
    const drive = await startFaultyDrive(...args);
    drives.push(drive);
    return drive;
  };

  it('without faults it is a plain drive: what is written reads back, through the kernel block device; stop() leaves no loop device or mount', async () => {
    const drive = await start(64 * MiB);
    expect(drive.device).toMatch(/^\/dev\/loop\d+$/);
    const data = pattern(4 * MiB, 7);
    const fd = openSync(drive.device, constants.O_RDWR);
    try {
      writeSync(fd, data, 0, data.length, 8 * MiB);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const back = Buffer.alloc(data.length);
    const store = openSync(drive.store, 'r');
    try {
      readSync(store, back, 0, back.length, 8 * MiB);
    } finally {
      closeSync(store);
    }
    expect(back.equals(data)).toBe(true);
    expect(drive.stats().bytesWritten).toBeGreaterThanOrEqual(data.length);
    const device = drive.device;
    await drive.stop();
    expect(spawnSync('losetup', ['-a'], { encoding: 'utf8' }).stdout).not.toContain(`${device}:`);
    expect(spawnSync('findmnt', ['-t', 'fuse', '-n'], { encoding: 'utf8' }).stdout).not.toContain('faulty-drive');
  });

  it('write and read errors happen exactly in their ranges, and the plan changes while the drive is in use', async () => {
    const drive = await start(64 * MiB, { writeErrors: [[32 * MiB, 32 * MiB + 64 * 1024]] });
    expect(ddWrite(drive.device, 32 * MiB, 64 * 1024).status).not.toBe(0);
    expect(ddWrite(drive.device, 32 * MiB - 64 * 1024, 64 * 1024).status).toBe(0);
    expect(ddWrite(drive.device, 32 * MiB + 64 * 1024, 64 * 1024).status).toBe(0);
    expect(drive.stats().writeErrors).toBeGreaterThan(0);
    // Healed, and a read error elsewhere instead.
    drive.setPlan({ readErrors: [[16 * MiB, 16 * MiB + 4096]] });
    expect(ddWrite(drive.device, 32 * MiB, 64 * 1024).status).toBe(0);
    const read = (offset: number): number | null =>
      spawnSync('dd', [`if=${drive.device}`, 'of=/dev/null', 'bs=4096', `skip=${offset}`, 'count=4096', 'iflag=skip_bytes,count_bytes,direct'], { encoding: 'utf8' }).status;
    expect(read(16 * MiB)).not.toBe(0);
    expect(read(16 * MiB + 4096)).toBe(0);
    expect(drive.stats().readErrors).toBeGreaterThan(0);
  });

  it('a stall holds a write in the kernel until the plan releases it', async () => {
    const drive = await start(64 * MiB, { stall: { ranges: [[8 * MiB, 9 * MiB]] } });
    const writer = spawn('dd', ['if=/dev/zero', `of=${drive.device}`, 'bs=64K', `seek=${8 * MiB}`, 'count=65536', 'iflag=count_bytes', 'oflag=seek_bytes,direct', 'conv=notrunc'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => writer.once('exit', resolve));
    await until(drive, (stats) => stats.stalls > 0);
    // Still stuck: its write is being held.
    expect(writer.exitCode).toBeNull();
    drive.setPlan({});
    expect(await exited).toBe(0);
  });

  it('pulled out: once N bytes were written, every read and write fails', async () => {
    const drive = await start(64 * MiB, { failAfterBytesWritten: 1 * MiB });
    expect(ddWrite(drive.device, 0, 1 * MiB).status).toBe(0);
    expect(ddWrite(drive.device, 2 * MiB, 64 * 1024).status).not.toBe(0);
    const read = spawnSync('dd', [`if=${drive.device}`, 'of=/dev/null', 'bs=4096', 'count=1', 'iflag=direct']);
    expect(read.status).not.toBe(0);
  });

  describe.skipIf(!f3probe)('counterfeit sticks, as f3probe (Debian f3) sees them', () => {
    it('limbo: 256 MiB announced, 64 MiB real — f3probe calls it a limbo fake of 64 MiB', async () => {
      const drive = await start(256 * MiB, { capacity: 64 * MiB, mode: 'limbo' });
      const probe = spawnSync('f3probe', ['--destructive', '--time-ops', drive.device], { encoding: 'utf8' });
      expect(probe.stdout).toMatch(/counterfeit of type limbo/);
      expect(probe.stdout).toMatch(/\*Usable\* size:\s+64\.00 MB/);
    });

    it('a healthy drive is not called fake', async () => {
      const drive = await start(128 * MiB);
      const probe = spawnSync('f3probe', ['--destructive', drive.device], { encoding: 'utf8' });
      expect(probe.stdout).toMatch(/is the real thing/);
    });

    it('wraparound: offsets past the real capacity land on earlier ones (a write there overwrites the start)', async () => {
      const drive = await start(256 * MiB, { capacity: 64 * MiB, mode: 'wraparound' });
      const data = pattern(64 * 1024, 3);
      const fd = openSync(drive.device, constants.O_RDWR);
      try {
        writeSync(fd, data, 0, data.length, 64 * MiB + 128 * 1024);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      const back = Buffer.alloc(data.length);
      const store = openSync(drive.store, 'r');
      try {
        readSync(store, back, 0, back.length, 128 * 1024);
      } finally {
        closeSync(store);
      }
      expect(back.equals(data)).toBe(true);
      const probe = spawnSync('f3probe', ['--destructive', drive.device], { encoding: 'utf8' });
      expect(probe.stdout).not.toMatch(/is the real thing/);
    });
  });
});
