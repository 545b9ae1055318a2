/** BlockTarget.writev: pieces written back to back at a position, checked by reading the file with plain fs. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockTarget } from '../../main/core/disk';
import { imageDir, MiB, sparseImage } from '../support/images';

const dir = imageDir('block-target-writev');
afterAll(() => dir.cleanup());

describe('BlockTarget.writev', () => {
  it('writes the pieces one after another, uneven sizes and empty ones included', async () => {
    const file = sparseImage(dir.dir, 'pieces.img', 4 * MiB);
    const pieces = [randomBytes(130_000), Buffer.alloc(0), randomBytes(7), randomBytes(MiB)];
    const target = await BlockTarget.open(file, { access: 'write' });
    try {
      await target.writev(pieces, MiB + 3);
      await target.flush();
    } finally {
      target.close();
    }
    const written = readFileSync(file);
    const expected = Buffer.concat(pieces);
    expect(written.subarray(MiB + 3, MiB + 3 + expected.length).equals(expected)).toBe(true);
    // Nothing before or after the range was touched.
    expect(written.subarray(0, MiB + 3).every((byte) => byte === 0)).toBe(true);
    expect(written.subarray(MiB + 3 + expected.length).every((byte) => byte === 0)).toBe(true);
  });

  it('refuses a range past the end before writing anything', async () => {
    const file = sparseImage(dir.dir, 'end.img', MiB);
    const target = await BlockTarget.open(file, { access: 'write' });
    try {
      await expect(target.writev([randomBytes(4096), randomBytes(4096)], MiB - 4096)).rejects.toThrow(RangeError);
    } finally {
      target.close();
    }
    expect(readFileSync(file).every((byte) => byte === 0)).toBe(true);
  });
});
