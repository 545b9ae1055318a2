import { createHash } from 'node:crypto';
import { closeSync, constants, createReadStream, mkdtempSync, openSync, rmSync, ftruncateSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/** A folder for this test file's images, removed by the returned cleanup. */
export function imageDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A sparse image file: takes no disk space until written. */
export function sparseImage(dir: string, name: string, size: number): string {
  const file = path.join(dir, name);
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
  return file;
}

/**
 * SHA-256 of a whole file, streamed (images can be large). An image is read with O_DIRECT where
 * the file system allows it: a sparse image's first read through the page cache has the kernel
 * zero-fill a page for every hole — 1.1 s of system time per GiB here on a quiet machine, 3 to 4 s
 * on a busy one — which direct reads skip (0.7 s per GiB here, the hash's own time).
 * Direct reads still see what was just written: the kernel writes dirty pages back first.
 */
export async function fileSha256(file: string): Promise<string> {
  const { size } = statSync(file);
  return (size >= DIRECT_READ_FROM_BYTES ? await directSha256(file, size) : null) ?? cachedSha256(file);
}

/** Files this large are images: worth reading around the page cache. */
const DIRECT_READ_FROM_BYTES = 64 * MiB;
const DIRECT_CHUNK_BYTES = 8 * MiB;

/** The hash from O_DIRECT reads, or null where the file system refuses them (tmpfs) or a read ends short of the size. */
async function directSha256(file: string, size: number): Promise<string | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_DIRECT);
  } catch {
    return null;
  }
  try {
    // A WebAssembly memory is mapped on its own, so it starts on a page boundary as O_DIRECT needs.
    const buffer = Buffer.from(new WebAssembly.Memory({ initial: DIRECT_CHUNK_BYTES / 65_536 }).buffer);
    const hash = createHash('sha256');
    let position = 0;
    while (position < size) {
      const { bytesRead } = await handle.read(buffer, 0, DIRECT_CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
      // Only the file's end may come short: anything else would leave the next offset unaligned.
      if (bytesRead < DIRECT_CHUNK_BYTES) break;
    }
    return position === size ? hash.digest('hex') : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

function cachedSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 4 * MiB })
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/**
 * What an image holds, to compare before and after something that must not write to it: for an
 * image that is still all holes (a sparse image nothing was ever written to), its size and that
 * fact — holes read as zeros and any write allocates a block, so "no block yet, same size" is
 * "same bytes", known without reading a gigabyte (the first read of a sparse image has the kernel
 * zero-fill all of it in the page cache: seconds on a busy machine); otherwise its SHA-256.
 */
export async function imageFingerprint(file: string): Promise<string> {
  const { size, blocks } = statSync(file);
  return blocks === 0 ? `${size} bytes, all holes` : `sha256 ${await fileSha256(file)}`;
}
