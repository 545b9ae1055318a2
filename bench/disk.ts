/**
 * Disk benchmarks (issue: drives and the FAT32 disk layer), measured side by side in one run on
 * the same sparse images: our MBR + FAT32 format against mkfs.fat (goal: no slower), and
 * write + verify of a 10 KiB file. Memory must stay flat whatever the drive size.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlockTarget, formatTarget, sha256, verifyFileOnVolume, withVolume } from '../main/core/disk';
import { median, row, rssMiB, run, timeMs } from './support';

const GiB = 1024 ** 3;
const ROUNDS = 5;

async function ourFormat(image: string): Promise<void> {
  const target = await BlockTarget.open(image, { access: 'write' });
  try {
    await formatTarget(target, { label: 'PANORAMA' });
  } finally {
    target.close();
  }
}

function mkfsFat(image: string, bytes: number): void {
  // The same layout with the reference tool: sfdisk's MBR would add a process; mkfs.fat writes the volume at 1 MiB.
  run('mkfs.fat', ['-F', '32', '-n', 'PANORAMA', '--offset', '2048', image, String((bytes - 1024 * 1024) / 1024)]);
}

function freshImage(image: string, bytes: number): void {
  writeFileSync(image, '');
  truncateSync(image, bytes);
}

export async function benchDisk(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-disk-'));
  try {
    console.log('\nFormat MBR + FAT32 on a sparse image (median of 5, ms; ratio < 1 means faster than mkfs.fat)');
    const widths = [8, 14, 14, 8, 10];
    console.log(row(['size', 'panorama-usb', 'mkfs.fat', 'ratio', 'rss MiB'], widths));
    for (const gib of [8, 32, 128]) {
      const image = path.join(dir, `format-${gib}.img`);
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        freshImage(image, gib * GiB);
        ours.push(await timeMs(() => ourFormat(image)));
        freshImage(image, gib * GiB);
        theirs.push(await timeMs(() => mkfsFat(image, gib * GiB)));
      }
      rmSync(image);
      const ratio = median(ours) / median(theirs);
      console.log(row([`${gib} GiB`, median(ours).toFixed(1), median(theirs).toFixed(1), ratio.toFixed(2), rssMiB()], widths));
    }

    console.log('\nWrite + verify a 10 KiB file on a formatted 32 GiB image (median of 5, ms)');
    const image = path.join(dir, 'write.img');
    freshImage(image, 32 * GiB);
    await ourFormat(image);
    const data = randomBytes(10 * 1024);
    const digest = { sha256: sha256(data), size: data.length };
    const writes: number[] = [];
    const verifies: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      writes.push(await timeMs(() => withVolume(image, { access: 'write' }, (volume) => volume.writeFile('/certificates-omni_bench.zip', data))));
      verifies.push(await timeMs(() => verifyFileOnVolume(image, '/certificates-omni_bench.zip', digest)));
    }
    console.log(row(['write', median(writes).toFixed(1), 'verify', median(verifies).toFixed(1), `rss ${rssMiB()} MiB`], [8, 10, 8, 10, 12]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
