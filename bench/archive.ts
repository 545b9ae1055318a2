/**
 * Archive benchmarks (issue: the configuration archive): inspect of a real-sized archive, the
 * whole `write` on a 32 GiB sparse image (dominated by the format), and hostile archives —
 * bombs and size lies must be stopped in milliseconds with flat memory.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspectArchiveBytes, writeArchive } from '../main/core/archive';
import { BlockTarget, formatTarget } from '../main/core/disk';
import { chooseDrive } from '../main/core/target';
import { realisticArchive } from '../test/support/archives';
import { buildZip } from '../test/support/zip-builder';
import { median, row, rssMiB, timeMs } from './support';

const GiB = 1024 ** 3;
const NAME = 'certificates-omni_bench-cam.zip';

async function attempt(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'accepted';
  } catch (error) {
    return error instanceof Error && 'code' in error ? String(error.code) : 'error';
  }
}

export async function benchArchive(): Promise<void> {
  const archive = realisticArchive();
  console.log(`\nInspect a real-sized archive (${archive.length} bytes, 4 entries), median of 50`);
  const inspects: number[] = [];
  for (let round = 0; round < 50; round += 1) inspects.push(await timeMs(() => inspectArchiveBytes(Buffer.from(archive), NAME)));
  console.log(`  ${median(inspects).toFixed(2)} ms`);

  console.log('\nHostile archives: time to refusal and memory');
  const zeros = Buffer.alloc(256 * 1024 * 1024);
  const hostile: [string, Buffer][] = [
    ['bomb, honest sizes (256 MiB of zeros)', buildZip([{ name: 'network.json', data: zeros, method: 'deflate' }])],
    ['bomb lying about its size', buildZip([{ name: 'network.json', data: zeros, method: 'deflate', declaredSize: 4096 }])],
    ['10 000 entries', buildZip(Array.from({ length: 10_000 }, (_, index) => ({ name: `f${index}`, data: 'x' })))],
  ];
  zeros.fill(1); // the source of the bombs is no longer needed
  for (const [name, bytes] of hostile) {
    const before = rssMiB();
    let code = '';
    const ms = await timeMs(async () => {
      code = await attempt(() => inspectArchiveBytes(bytes, NAME));
    });
    console.log(row([`  ${name}`, `${bytes.length} bytes`, code, `${ms.toFixed(1)} ms`, `rss ${before} -> ${rssMiB()} MiB`], [42, 16, 22, 12, 20]));
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'bench-archive-'));
  try {
    console.log('\nWhole `write` (check, format, write, verify) on a 32 GiB sparse image, median of 5, against format alone');
    const image = path.join(dir, 'write.img');
    const writes: number[] = [];
    const formats: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      writeFileSync(image, '');
      truncateSync(image, 32 * GiB);
      const chosen = await chooseDrive(image);
      writes.push(await timeMs(() => writeArchive({ bytes: Buffer.from(archive), fileName: NAME }, chosen, { format: true })));
      writeFileSync(image, '');
      truncateSync(image, 32 * GiB);
      const target = await BlockTarget.open(image, { access: 'write' });
      formats.push(await timeMs(() => formatTarget(target, { label: 'PANORAMA' })));
      target.close();
    }
    console.log(row(['  write', `${median(writes).toFixed(1)} ms`, 'format alone', `${median(formats).toFixed(1)} ms`, `format share ${((median(formats) / median(writes)) * 100).toFixed(0)}%`], [10, 12, 14, 12, 20]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
