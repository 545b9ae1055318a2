/**
 * Run by the UDisks2 tests as an unprivileged user (bundled by the test, run with runuser): one
 * operation of the real UDisks2 client, its result as one JSON line. Never run as part of the app.
 *   write-marker DEVICE OFFSET TEXT   open exclusively for writing, write TEXT at OFFSET, fsync
 *   read-direct DEVICE                open with O_DIRECT, read the first 4 KiB, print it as hex
 *   unmount DEVICE                    unmount every mounted volume of the drive
 *   release DEVICE                    make it safe to remove (Loop.Delete / Drive.PowerOff)
 */
import { closeSync, fstatSync, fsyncSync, readSync, writeSync } from 'node:fs';
import { UDisks2Client } from '../../main/core/access/udisks2';
import { alignedBuffers } from '../../main/core/disk/aligned';
import { toPanoramaUsbError } from '../../main/core/errors';

async function run(client: UDisks2Client, op: string, device: string, rest: string[]): Promise<Record<string, unknown>> {
  switch (op) {
    case 'write-marker': {
      const fd = await client.openDevice(device, { mode: 'write', exclusive: true });
      try {
        const [offset = '0', text = ''] = rest;
        writeSync(fd, Buffer.from(text, 'utf8'), 0, Buffer.byteLength(text), Number(offset));
        fsyncSync(fd);
        return { isBlockDevice: fstatSync(fd).isBlockDevice() };
      } finally {
        closeSync(fd);
      }
    }
    case 'read-direct': {
      const fd = await client.openDevice(device, { mode: 'read', exclusive: false, direct: true });
      try {
        const [buffer] = alignedBuffers(1, 4096);
        if (buffer === undefined) throw new Error('no aligned buffer');
        readSync(fd, buffer, 0, 4096, 0);
        return { hex: buffer.toString('hex') };
      } finally {
        closeSync(fd);
      }
    }
    case 'unmount': {
      const volumes = await client.mountedVolumes(device);
      for (const volume of volumes) await client.unmount(volume);
      return { unmounted: volumes.flatMap((volume) => volume.mountPoints) };
    }
    case 'release':
      return { released: await client.release(device) };
    default:
      throw new Error(`unknown operation ${op}`);
  }
}

async function main(): Promise<void> {
  const [op = '', device = '', ...rest] = process.argv.slice(2);
  try {
    const client = await UDisks2Client.connect();
    try {
      process.stdout.write(`${JSON.stringify({ ok: true, ...(await run(client, op, device, rest)) })}\n`);
    } finally {
      client.close();
    }
  } catch (error) {
    const typed = toPanoramaUsbError(error);
    process.stdout.write(`${JSON.stringify({ ok: false, code: typed.code, outcome: typed.outcome, message: typed.message })}\n`);
    process.exitCode = 2;
  }
}

void main();
