/**
 * Run by `npm run bench -- access` twice per round on the same loop device: as root (the drive
 * opened directly) and as an unprivileged user (opened through UDisks2 after polkit agreed). The
 * same code both times — core/access decides how to open — timed from the moment it asks for the
 * drive. Prints one JSON line: ms to the first byte written (authorisation included), ms from
 * then to the last of BYTES written and fsynced, ms to read them back through the O_DIRECT
 * descriptor and compare.
 */
import { openDrive } from '../main/core/access';
import { alignedBuffers } from '../main/core/disk/aligned';
import { toPanoramaUsbError } from '../main/core/errors';

const CHUNK = 4 * 1024 * 1024;

async function main(): Promise<void> {
  const [device = '', bytesText = '0'] = process.argv.slice(2);
  const bytes = Number(bytesText);
  const [pattern, readBack] = alignedBuffers(2, CHUNK);
  if (pattern === undefined || readBack === undefined) throw new Error('no aligned buffers');
  for (let index = 0; index < CHUNK; index += 4) pattern.writeUInt32LE((index * 2654435761) >>> 0, index);

  const start = process.hrtime.bigint();
  const since = (): number => Number(process.hrtime.bigint() - start) / 1e6;
  const target = await openDrive(device, { access: 'write', exclusive: true });
  try {
    target.writeSync(pattern, 0, CHUNK, 0);
    const firstByteMs = since();
    for (let position = CHUNK; position < bytes; position += CHUNK) target.writeSync(pattern, 0, CHUNK, position);
    await target.flush();
    const writtenAt = since();
    const writeMs = writtenAt - firstByteMs;
    const reader = target.openDirectReader();
    if (reader === null) throw new Error('no O_DIRECT reader');
    try {
      for (let position = 0; position < bytes; position += CHUNK) {
        reader.readSync(readBack, 0, CHUNK, position);
        if (!readBack.equals(pattern)) throw new Error(`read back differs at ${position}`);
      }
    } finally {
      reader.close();
    }
    const verifyMs = since() - writtenAt;
    process.stdout.write(`${JSON.stringify({ ok: true, firstByteMs, writeMs, verifyMs })}\n`);
  } finally {
    target.close();
  }
}

main().catch((error: unknown) => {
  const typed = toPanoramaUsbError(error);
  process.stdout.write(`${JSON.stringify({ ok: false, code: typed.code, message: typed.message })}\n`);
  process.exitCode = 1;
});
