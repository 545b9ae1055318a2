/**
 * Drive wipes end to end on 1 GiB images (and loop devices as root): secrets planted all over
 * the drive — first and last sector, between partitions, inside a FAT32 volume's metadata, in
 * its files and in its free clusters — are gone after zero / random / random-zero (counted by a
 * streaming scan and by `grep -c -a -z`), while a quick erase only removes the metadata, as it
 * says. After every wipe the fresh volume passes `fsck.fat -n` and mtools reads its label.
 * Verification catches a byte that does not read back; transient errors are retried and
 * counted; cancelling leaves a drive that is reported as not sanitized; in a batch, one drive
 * that changed or was pulled out never stops the others. Cancels and pulls happen at the pass's
 * first bytes, never after a guessed delay that a fast machine outruns. The same wipes run in the
 * disk worker (the built dist/main/disk-worker.cjs, as the app, the preview and the CLI run them).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync, rmSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { alignedBuffers, BlockTarget, PARTITION_START_LBA, classifyIoError, formatTarget, withVolume } from '../../main/core/disk';
import { offThreadPassEngine } from '../../main/core/offthread';
import { PassHost } from '../../main/core/offthread/pass-host';
import type { FromPassOperation } from '../../main/core/offthread/protocol';
import {
  CHUNK_BYTES,
  PassPattern,
  estimateSeconds,
  firstMismatch,
  inlinePassEngine,
  newErrorCounts as newCounts,
  newBadRanges,
  quickEraseRegions,
  sanitizeDrives,
  verifyPass,
  wipeTarget,
  writePass,
  type EraseRegion,
  type PassEngine,
  type WipeProgress,
  type WipeResult,
} from '../../main/core/sanitize/wipe';
import { chooseDrive } from '../../main/core/target';
import { GiB, imageDir, MiB, sparseImage } from '../support/images';
import { grepRecordsWith, markerOffsets } from '../support/markers';
import { attachLoop, canUseLoopDevices, detachLoop, fsckFat, mtools, mtoolsImage, mustRun } from '../support/tools';
import { expectAtMostFourPerSecond } from '../support/progress-rate';

const { dir, cleanup } = imageDir('sanitize-wipe');
afterAll(cleanup);

// Wiped images are no longer sparse: remove each one as soon as its test is done.
const made: string[] = [];
function image(name: string, size = GiB): string {
  const file = sparseImage(dir, name, size);
  made.push(file);
  return file;
}
afterEach(() => {
  vi.restoreAllMocks();
  while (made.length > 0) rmSync(made.pop() ?? '', { force: true });
});

/** Pass sessions in the built disk worker (npm test builds first). */
const workerEngine = offThreadPassEngine(path.resolve('dist/main/disk-worker.cjs'));

const MARKER = Buffer.from('PANORAMA-SECRET-MARKER:7f3a9c', 'latin1');

/** Offsets of every marker left in the file or device (read in chunks: see test/support/markers). */
const scanMarkers = (file: string): number[] => markerOffsets(file, MARKER);

/**
 * The independent count: grep's NUL-separated records holding a marker (0 means none anywhere).
 * Kept: every image here is zeros, holes, random bytes or FAT structures, NUL bytes all over, so
 * grep never holds more than a few KiB as one record (see grepRecordsWith).
 */
const grepCount = (file: string): number => grepRecordsWith(file, MARKER);

function writeAt(file: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

function readAt(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const bytes = Buffer.alloc(length);
    readSync(fd, bytes, 0, length, offset);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

function flipByte(file: string, offset: number): void {
  writeAt(file, offset, Buffer.from([(readAt(file, offset, 1)[0] ?? 0) ^ 0xff]));
}

/** File contents with a marker every 4 KiB, like a configuration archive's certificate spread over clusters. */
function secretFile(bytes: number): Buffer {
  const data = Buffer.alloc(bytes, 0x20);
  for (let offset = 0; offset + 4096 <= bytes; offset += 4096) MARKER.copy(data, offset + 100);
  return data;
}

interface FatGeometry {
  reserved: number;
  fatSectors: number;
  rootCluster: number;
  sectorsPerCluster: number;
}

function fatGeometry(file: string, volumeOffset: number): FatGeometry {
  const boot = readAt(file, volumeOffset, 512);
  return { reserved: boot.readUInt16LE(14), fatSectors: boot.readUInt32LE(36), rootCluster: boot.readUInt32LE(44), sectorsPerCluster: boot[13] ?? 1 };
}

/** Markers in a FAT32 volume's metadata: boot code, a reserved sector, the end of both FATs, a deleted root-folder entry. */
function plantInFatMetadata(file: string, volumeOffset: number): number[] {
  const { reserved, fatSectors, rootCluster, sectorsPerCluster } = fatGeometry(file, volumeOffset);
  const rootFolder = volumeOffset + (reserved + 2 * fatSectors + (rootCluster - 2) * sectorsPerCluster) * 512;
  const offsets = [
    volumeOffset + 100, // boot code area of the volume boot sector
    volumeOffset + 3 * 512 + 8, // an unused reserved sector
    volumeOffset + (reserved + fatSectors - 1) * 512 + 8, // last sector of FAT 1
    volumeOffset + (reserved + 2 * fatSectors - 1) * 512 + 8, // last sector of FAT 2
  ];
  for (const offset of offsets) writeAt(file, offset, MARKER);
  // A deleted entry (0xE5) in the root folder still shows the rest of the file's name; entry 12
  // is free and still inside the first cluster, even with 512-byte clusters.
  writeAt(file, rootFolder + 32 * 12, Buffer.concat([Buffer.from([0xe5]), MARKER]));
  return [...offsets, rootFolder + 32 * 12 + 1];
}

interface Planted {
  /** Offsets a quick erase must clear: first sector and MiB, volume metadata, last sector. */
  metadata: number[];
  total: number;
}

/**
 * A drive as it comes back from the field: our MBR + FAT32 volume with the archive and the
 * appliance's logs written through FatVolume, plus markers in the first and last sector, the
 * gap before the partition, the volume's metadata, free clusters and every 64 MiB.
 */
async function plantSecrets(file: string): Promise<Planted> {
  const target = await BlockTarget.open(file, { access: 'write' });
  let size: number;
  try {
    await formatTarget(target, { label: 'SECRETS' });
    size = target.size;
  } finally {
    target.close();
  }
  await withVolume(file, { access: 'write' }, (volume) => {
    volume.writeFile('/certificates-omni_secret-cam.zip', secretFile(256 * 1024));
    volume.mkdir('/panorama');
    volume.writeFile('/panorama/occ.log', secretFile(64 * 1024));
  });
  const volumeOffset = PARTITION_START_LBA * 512;
  const metadata = [16, 100 * 512 + 7, ...plantInFatMetadata(file, volumeOffset), size - 512 + 16];
  for (const offset of [16, 100 * 512 + 7, size - 512 + 16]) writeAt(file, offset, MARKER);
  // "Free" clusters (what deleted files leave behind) and places all over the drive.
  const elsewhere = [100 * MiB + 4096, 400 * MiB + 8192, 900 * MiB + 12_288];
  for (let offset = 64 * MiB; offset < size - 64 * MiB; offset += 64 * MiB) elsewhere.push(offset + 777);
  for (const offset of elsewhere) writeAt(file, offset, MARKER);
  const total = scanMarkers(file).length;
  // 64 + 16 markers in the two files, and every raw one.
  expect(total).toBe(80 + metadata.length + elsewhere.length);
  return { metadata, total };
}

/** The fresh volume is clean for fsck.fat and mtools reads its label. */
function expectFreshVolume(file: string, size: number, label: string): void {
  const fsck = fsckFat(file, PARTITION_START_LBA * 512, size - PARTITION_START_LBA * 512);
  expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
  expect(mtools('mlabel', ['-s', '-i', mtoolsImage(file, PARTITION_START_LBA * 512), '::']).trim()).toBe(`Volume label is ${label}`);
  expect(mtools('mdir', ['-b', '-i', mtoolsImage(file, PARTITION_START_LBA * 512), '::']).trim()).toBe('');
}

/**
 * The inline engine, noting for every write whether the wipe said its verification follows
 * (a device's write then empties the page cache for it: see PassIoOptions.verifyFollows).
 */
function engineNotingVerifyFollows(follows: boolean[]): PassEngine {
  return (target, kind) => {
    const session = inlinePassEngine(target, kind);
    return {
      ...session,
      write: (options) => {
        follows.push(options?.verifyFollows === true);
        return session.write(options);
      },
    };
  };
}

/**
 * `engine`, calling `atFirstBytes` once: at the first bytes done that a write of `which` target
 * reports (on this thread for the inline engine; as they arrive from the disk worker for its
 * engine). An action taken there (a cancel, a drive pulled out) lands at a known point of the
 * work — its first chunk done, the rest of the drive still to go — however fast the machine is.
 */
function engineActingAtFirstBytes(engine: PassEngine, which: (target: BlockTarget) => boolean, atFirstBytes: (bytes: number) => void): PassEngine {
  let acted = false;
  return (target, kind) => {
    const session = engine(target, kind);
    if (!which(target)) return session;
    // Not a spread: the disk worker's sessions are class instances, their methods on the prototype.
    return {
      kind: session.kind,
      ready: () => session.ready(),
      verify: (options) => session.verify(options),
      close: () => session.close(),
      write: (options) =>
        session.write({
          ...options,
          onBytes: (bytes) => {
            options?.onBytes?.(bytes);
            if (acted || bytes === 0) return;
            acted = true;
            atFirstBytes(bytes);
          },
        }),
    };
  };
}

async function wipeImage(file: string, options: Parameters<typeof wipeTarget>[1]): Promise<WipeResult> {
  const target = await BlockTarget.open(file, { access: 'write' });
  try {
    return await wipeTarget(target, options);
  } finally {
    target.close();
  }
}

function ioError(code: string, file: string, size: number): Error {
  return classifyIoError(Object.assign(new Error(`${code}: simulated, write`), { code }), file, 'image', size);
}

describe('firstMismatch', () => {
  it('finds the first byte that differs, or -1', () => {
    const expected = Buffer.alloc(8 * MiB, 0x5a);
    const actual = Buffer.from(expected);
    expect(firstMismatch(actual, expected)).toBe(-1);
    actual[5_000_001] = 0x5b;
    actual[7_000_000] = 0;
    expect(firstMismatch(actual, expected)).toBe(5_000_001);
    expect(firstMismatch(actual.subarray(0, 10), expected.subarray(0, 12))).toBe(10);
    expect(firstMismatch(new Uint8Array(0), new Uint8Array(0))).toBe(-1);
  });
});

describe('overwrite methods on a 1 GiB image', () => {
  it.each([
    ['zero', 'off', ['zero'], 'not-run'],
    ['random', 'last', ['random'], 'passed'],
    ['random-zero', 'all', ['random', 'zero'], 'passed'],
  ] as const)('%s (verify %s) leaves no secret anywhere, reaches Clear and formats', { timeout: 90_000 }, async (method, verify, patterns, verification) => {
    const file = image(`${method}.img`);
    const planted = await plantSecrets(file);
    expect(grepCount(file)).toBeGreaterThan(0);

    const events: { at: number; progress: WipeProgress }[] = [];
    const follows: boolean[] = [];
    const result = await wipeImage(file, { method, verify, label: 'WIPED', passEngine: engineNotingVerifyFollows(follows), onProgress: (progress) => events.push({ at: performance.now(), progress }) });

    // Clear needs the overwrite read back: an unverified wipe is sanitized but not claimed as Clear.
    expect(result).toMatchObject({ target: file, method, verify, outcome: 'sanitized', nistLevel: verify === 'off' ? 'none' : 'Clear', formatted: true, verification, mismatchAt: null, error: null, errors: { retried: 0, failed: 0, messages: [] } });
    expect(result.passes.map((pass) => [pass.pattern, pass.bytes, pass.verified])).toEqual(
      patterns.map((pattern, index) => [pattern, GiB, verify === 'all' || (verify === 'last' && index === patterns.length - 1) ? true : null]),
    );
    expect(result.bytesWritten).toBe(patterns.length * GiB);
    expect(result.bytesVerified).toBe(verify === 'off' ? 0 : verify === 'all' ? patterns.length * GiB : GiB);
    // Each write knows whether its verification comes next.
    expect(follows).toEqual(result.passes.map((pass) => pass.verified === true));
    expect(result.throughputBytesPerSecond).toBeGreaterThan(0);

    // Not one of the planted markers is left, by our scan and by grep.
    expect(planted.total).toBeGreaterThan(90);
    expect(scanMarkers(file)).toEqual([]);
    expect(grepCount(file)).toBe(0);
    expectFreshVolume(file, GiB, 'WIPED');

    // Progress: at most 4 events a second (the final one may come sooner), phases in order, ending at 100 %.
    const last = events.at(-1)?.progress;
    expect(last).toMatchObject({ target: file, phase: 'format', bytesDone: last?.bytesTotal, etaSeconds: 0, passes: patterns.length });
    expect(last?.bytesTotal).toBe((patterns.length + (verify === 'off' ? 0 : verify === 'all' ? patterns.length : 1)) * GiB);
    // The final one may come sooner (a phase's end is never held back).
    expectAtMostFourPerSecond(events.slice(0, -1).map((event) => event.at));
    const phases = [...new Set(events.map((event) => event.progress.phase))];
    expect(phases.filter((phase) => phase.startsWith('pass '))).toEqual(patterns.map((pattern, index) => `pass ${index + 1}/${patterns.length}: ${pattern}`));
    // Time left while verifying a pass that another write follows counts that write at the write speed measured.
    const [firstPass] = result.passes;
    if (patterns.length > 1 && verify === 'all' && firstPass !== undefined) {
      const whileVerifying = events.map((event) => event.progress).filter((progress) => progress.phase === `verify 1/${patterns.length}: ${patterns[0]}` && progress.etaSeconds !== null);
      expect(whileVerifying.length).toBeGreaterThan(0);
      for (const progress of whileVerifying) expect(progress.etaSeconds).toBeGreaterThanOrEqual(Math.floor(GiB / firstPass.bytesPerSecond));
    }
  });
});

describe('quick erase', () => {
  it('removes the partition table and the volume metadata, formats, and says it is not a Clear', async () => {
    const file = image('quick.img');
    const planted = await plantSecrets(file);
    const follows: boolean[] = [];
    const result = await wipeImage(file, { method: 'quick', verify: 'last', passEngine: engineNotingVerifyFollows(follows) });
    expect(result).toMatchObject({ outcome: 'sanitized', nistLevel: 'none', formatted: true, verification: 'passed', error: null });
    expect(follows).toEqual([true]);
    expect(result.passes).toHaveLength(1);
    expect(result.passes[0]).toMatchObject({ pass: 1, pattern: 'quick', verified: true });
    expect(result.bytesWritten).toBeLessThan(16 * MiB);

    for (const offset of planted.metadata) expect(readAt(file, offset, MARKER.length).equals(MARKER), `marker at ${offset}`).toBe(false);
    // Honest limit: file contents and free clusters are NOT overwritten by a quick erase: data
    // clusters may remain readable with recovery tools. This is why its nistLevel is 'none'.
    const left = scanMarkers(file);
    expect(left.length).toBeGreaterThan(0);
    expect(left.length).toBeLessThan(planted.total);
    expectFreshVolume(file, GiB, 'PANORAMA');
  });

  it('removes metadata the new volume does not cover: a superfloppy with another geometry', async () => {
    const file = image('quick-superfloppy.img');
    // 512-byte clusters: 8 MiB FATs, the root folder at 16 MiB — far past where our format writes.
    mustRun('mkfs.fat', ['-F', '32', '-s', '1', '-R', '64', '-n', 'OLDSTICK', file]);
    mtools('mcopy', ['-i', file, '-', '::/certificates-omni_old-cam.zip'], secretFile(128 * 1024));
    const metadata = plantInFatMetadata(file, 0);
    const { fatSectors } = fatGeometry(file, 0);
    expect(fatSectors * 512).toBeGreaterThan(4 * MiB);
    const before = scanMarkers(file).length;

    const target = await BlockTarget.open(file, { access: 'write' });
    try {
      const regions = quickEraseRegions(target);
      const covers = (offset: number): boolean => regions.some((region) => offset >= region.start && offset + MARKER.length <= region.start + region.length);
      for (const offset of metadata) expect(covers(offset), `region list covers ${offset}`).toBe(true);
      const result = await wipeTarget(target, { method: 'quick', verify: 'off' });
      expect(result).toMatchObject({ outcome: 'sanitized', nistLevel: 'none', formatted: true, verification: 'not-run' });
      expect(result.bytesWritten).toBeGreaterThan(2 * fatSectors * 512);
    } finally {
      target.close();
    }
    for (const offset of metadata) expect(readAt(file, offset, MARKER.length).equals(MARKER), `marker at ${offset}`).toBe(false);
    // The old file's clusters are still there (quick is not a sanitization).
    expect(scanMarkers(file).length).toBe(before - metadata.length);
    expectFreshVolume(file, GiB, 'PANORAMA');
  });

  it('finds every partition: GPT (FAT and unknown), MBR with an extended partition', async () => {
    const covers = (regions: readonly EraseRegion[], start: number, length: number): boolean => regions.some((region) => start >= region.start && start + length <= region.start + region.length);
    const regionsOf = async (file: string): Promise<EraseRegion[]> => {
      const target = await BlockTarget.open(file, { access: 'read' });
      try {
        return quickEraseRegions(target);
      } finally {
        target.close();
      }
    };

    const gpt = image('gpt.img');
    mustRun('sfdisk', ['--quiet', gpt], { input: 'label: gpt\nstart=2048, size=204800, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\nstart=206848, size=204800, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' });
    mustRun('mkfs.fat', ['-F', '32', '--offset', '2048', gpt, String(204800 / 2)]);
    const fat = fatGeometry(gpt, MiB);
    const gptRegions = await regionsOf(gpt);
    expect(covers(gptRegions, 0, MiB)).toBe(true);
    expect(covers(gptRegions, MiB, (fat.reserved + 2 * fat.fatSectors) * 512)).toBe(true);
    expect(covers(gptRegions, MiB + (fat.reserved + 2 * fat.fatSectors + (fat.rootCluster - 2) * fat.sectorsPerCluster) * 512, fat.sectorsPerCluster * 512)).toBe(true);
    expect(covers(gptRegions, 206848 * 512, 2 * MiB)).toBe(true);
    expect(covers(gptRegions, GiB - MiB, MiB)).toBe(true);
    expect(covers(gptRegions, MiB + 50 * MiB, 512)).toBe(false);

    const dos = image('extended.img');
    mustRun('sfdisk', ['--quiet', dos], { input: 'label: dos\nstart=2048, size=204800, type=c\nstart=206848, type=5\nstart=208896, size=102400, type=83\n' });
    const dosRegions = await regionsOf(dos);
    expect(covers(dosRegions, 206848 * 512, 512)).toBe(true); // the extended boot record
    expect(covers(dosRegions, 208896 * 512, 2 * MiB)).toBe(true); // the logical partition's start
    expect(covers(dosRegions, MiB, 2 * MiB)).toBe(true); // partition 1: no FAT inside, first 2 MiB
  });
});

describe('verification', () => {
  it('verifyPass finds a flipped byte at its exact offset, for random and zero passes', async () => {
    const file = image('flip.img', 128 * MiB);
    const target = await BlockTarget.open(file, { access: 'write' });
    const random = PassPattern.create('random', CHUNK_BYTES);
    const zeros = PassPattern.create('zero', CHUNK_BYTES);
    try {
      expect(await writePass(target, random)).toMatchObject({ bytes: 128 * MiB });
      expect(await verifyPass(target, random)).toEqual({ bytes: 128 * MiB, mismatchAt: null, unverified: [] });
      flipByte(file, 77_777_777);
      expect(await verifyPass(target, random)).toEqual({ bytes: 77_777_777, mismatchAt: 77_777_777, unverified: [] });
      // The keystream is not zeros, and a fresh key gives another stream.
      expect((await verifyPass(target, zeros)).mismatchAt).toBeLessThan(16);
      expect((await verifyPass(target, PassPattern.create('random', CHUNK_BYTES))).mismatchAt).toBeLessThan(16);

      await writePass(target, zeros);
      expect(await verifyPass(target, zeros)).toEqual({ bytes: 128 * MiB, mismatchAt: null, unverified: [] });
      // A chunk's first byte, a byte next to it, one mid-chunk, the target's last: a flipped byte anywhere is found where it is.
      for (const at of [0, 5 * MiB, 5 * MiB + 1, 77_777_777, 128 * MiB - 1]) {
        flipByte(file, at);
        expect(await verifyPass(target, zeros)).toEqual({ bytes: at, mismatchAt: at, unverified: [] });
        flipByte(file, at);
      }
      // Erased flash reads as 0xFF: a whole chunk of one value that is not zero is a mismatch at its first byte.
      writeAt(file, 3 * MiB, Buffer.alloc(2 * MiB, 0xff));
      expect(await verifyPass(target, zeros)).toEqual({ bytes: 3 * MiB, mismatchAt: 3 * MiB, unverified: [] });
    } finally {
      random.dispose();
      target.close();
    }
    // Once disposed the key is gone: the stream can no longer be produced.
    expect(() => random.cursor()).toThrow(/disposed/);
  });

  it('a drive that reads back something else fails with VERIFY_MISMATCH at that byte, not Clear, not formatted', async () => {
    const file = image('mismatch.img', 128 * MiB);
    const target = await BlockTarget.open(file, { access: 'write' });
    const bad = 33_333_333;
    const realRead = target.read.bind(target);
    vi.spyOn(target, 'read').mockImplementation(async (buffer, position) => {
      await realRead(buffer, position);
      if (bad >= position && bad < position + buffer.length) buffer[bad - position] = (buffer[bad - position] ?? 0) ^ 0x01;
    });
    try {
      const result = await wipeTarget(target, { method: 'zero', verify: 'last' });
      expect(result).toMatchObject({ outcome: 'failed', verification: 'failed', mismatchAt: bad, bytesVerified: bad, nistLevel: 'none', formatted: false, error: { code: 'VERIFY_MISMATCH' }, errors: { failed: 1 } });
      expect(result.error?.message).toContain(`byte ${bad}`);
      expect(result.passes[0]).toMatchObject({ pattern: 'zero', bytes: 128 * MiB, verified: false });
    } finally {
      target.close();
    }
  });
});

describe('errors and cancellation', () => {
  it('retries transient I/O errors and counts them; after 3 retries, narrows the failing write down and records it as unwritten', async () => {
    const file = image('eio.img', 128 * MiB);
    const target = await BlockTarget.open(file, { access: 'write' });
    const realWrite = target.writev.bind(target);
    let failures = 0;
    const spy = vi.spyOn(target, 'writev').mockImplementation(async (buffers, position) => {
      if (position === 64 * MiB && failures < 2) {
        failures += 1;
        throw ioError('EIO', file, target.size);
      }
      await realWrite(buffers, position);
    });
    try {
      const recovered = await wipeTarget(target, { method: 'random', verify: 'last' });
      expect(recovered).toMatchObject({ outcome: 'sanitized', nistLevel: 'Clear', verification: 'passed', errors: { retried: 2, failed: 0 } });
      expect(recovered.errors.messages).toEqual([expect.stringMatching(/at byte 67108864.*retry 1 of 3/), expect.stringMatching(/retry 2 of 3/)]);

      spy.mockImplementation(async (buffers, position) => {
        if (position === 64 * MiB) throw ioError('EAGAIN', file, target.size);
        await realWrite(buffers, position);
      });
      // A write that still fails after its retries is narrowed down to the 4 KiB that fail (only a
      // write that starts exactly there fails here), and the pass goes on to the end.
      const broken = await wipeTarget(target, { method: 'zero', verify: 'off' });
      expect(broken).toMatchObject({ outcome: 'failed', nistLevel: 'none', formatted: false, error: { code: 'WIPE_INCOMPLETE' }, errors: { retried: 3, failed: 1 } });
      expect(broken.unwrittenRanges).toEqual([{ start: 64 * MiB, end: 64 * MiB + 4096 }]);
      expect(broken.unverifiedRanges).toEqual([]);
      expect(broken.passes[0]?.bytes).toBe(128 * MiB);
    } finally {
      target.close();
    }
  });

  it.each([
    { reads: 'blocking (disk worker)', blockingReads: true },
    { reads: 'asynchronous', blockingReads: false },
  ])('retries $reads verification reads: counted; after 3, the unreadable 4 KiB are recorded and the rest compared; a drive gone is not retried', async ({ blockingReads }) => {
    const file = image(`eio-read-${String(blockingReads)}.img`, 64 * MiB);
    const target = await BlockTarget.open(file, { access: 'write' });
    const zeros = PassPattern.create('zero', CHUNK_BYTES);
    let failures = 0;
    let failWith = 'EIO';
    let failAlways = false;
    const failing = (position: number): void => {
      if (position === 40 * MiB && (failAlways || failures < 2)) {
        failures += 1;
        throw ioError(failWith, file, target.size);
      }
    };
    const realReadSync = target.readSync.bind(target);
    const realRead = target.read.bind(target);
    vi.spyOn(target, 'readSync').mockImplementation((buffer, offset, length, position) => {
      failing(position);
      realReadSync(buffer, offset, length, position);
    });
    vi.spyOn(target, 'read').mockImplementation(async (buffer, position) => {
      failing(position);
      await realRead(buffer, position);
    });
    try {
      await writePass(target, zeros);
      const recovered = newCounts();
      expect(await verifyPass(target, zeros, { blockingReads, errors: recovered })).toEqual({ bytes: 64 * MiB, mismatchAt: null, unverified: [] });
      expect(recovered).toEqual({ retried: 2, failed: 0, messages: [expect.stringMatching(/reading at byte 41943040.*retry 1 of 3/), expect.stringMatching(/retry 2 of 3/)] });

      // Still failing after the retries: read again 64 KiB, then 4 KiB at a time (only a read that
      // starts exactly there fails here); what stays unreadable is recorded and the rest compared.
      failAlways = true;
      failures = 0;
      const broken = newCounts();
      const ranges = newBadRanges();
      expect(await verifyPass(target, zeros, { blockingReads, errors: broken, ranges })).toEqual({ bytes: 64 * MiB - 4096, mismatchAt: null, unverified: [{ start: 40 * MiB, end: 40 * MiB + 4096 }] });
      expect({ retried: broken.retried, attempts: failures }).toEqual({ retried: 3, attempts: 6 });
      expect(ranges).toEqual({ unwritten: [], unverified: [{ start: 40 * MiB, end: 40 * MiB + 4096 }] });

      failWith = 'ENODEV';
      failures = 0;
      const gone = newCounts();
      const rest = newBadRanges();
      await expect(verifyPass(target, zeros, { blockingReads, errors: gone, ranges: rest })).rejects.toMatchObject({ code: 'DRIVE_UNPLUGGED' });
      expect({ retried: gone.retried, attempts: failures }).toEqual({ retried: 0, attempts: 1 });
      // A verification that stopped did not read the rest: recorded as unverified.
      expect(rest.unverified).toEqual([{ start: 40 * MiB, end: 64 * MiB }]);
    } finally {
      zeros.dispose();
      target.close();
    }
  });

  it('reports a drive that is gone as DRIVE_UNPLUGGED, without retrying', async () => {
    const file = image('gone.img', 128 * MiB);
    const target = await BlockTarget.open(file, { access: 'write' });
    const realWrite = target.writev.bind(target);
    vi.spyOn(target, 'writev').mockImplementation(async (buffers, position) => {
      if (position >= 32 * MiB) throw ioError('ENODEV', file, target.size);
      await realWrite(buffers, position);
    });
    try {
      const result = await wipeTarget(target, { method: 'random-zero', verify: 'all' });
      expect(result).toMatchObject({ outcome: 'failed', nistLevel: 'none', formatted: false, verification: 'not-run', error: { code: 'DRIVE_UNPLUGGED' }, errors: { retried: 0, failed: 1 }, bytesWritten: 32 * MiB });
    } finally {
      target.close();
    }
  });

  it('cancelled mid-pass: outcome cancelled, not Clear, not formatted, and says the drive is not sanitized', async () => {
    const file = image('cancel.img');
    const controller = new AbortController();
    let cancelledAt = 0;
    // Cancelled at the pass's first bytes, on this thread: the pass stops at its next check
    // between chunks, before it counts another byte.
    const passEngine = engineActingAtFirstBytes(inlinePassEngine, () => true, (bytes) => {
      cancelledAt = bytes;
      controller.abort();
    });
    const result = await wipeImage(file, { method: 'random', verify: 'last', signal: controller.signal, passEngine });
    expect(result).toMatchObject({ outcome: 'cancelled', nistLevel: 'none', formatted: false, verification: 'not-run', error: { code: 'CANCELLED' }, errors: { failed: 0 } });
    expect(result.error?.message).toContain('NOT sanitized');
    expect(cancelledAt).toBeGreaterThan(0);
    // Counted exactly: what was done when the cancel came, whole chunks, not the whole drive.
    expect(result.bytesWritten).toBe(cancelledAt);
    expect(result.bytesWritten % CHUNK_BYTES).toBe(0);
    expect(result.bytesWritten).toBeLessThan(GiB);
    expect(result.passes[0]?.bytes).toBe(result.bytesWritten);
  });

  it('writes nothing when cancelled before starting, or when the target is read-only', async () => {
    const file = image('untouched.img', 128 * MiB);
    writeAt(file, 0, MARKER);
    const controller = new AbortController();
    controller.abort();
    const cancelled = await wipeImage(file, { method: 'zero', verify: 'off', signal: controller.signal });
    expect(cancelled).toMatchObject({ outcome: 'cancelled', bytesWritten: 0, passes: [], error: { code: 'CANCELLED' } });

    const target = await BlockTarget.open(file, { access: 'read' });
    try {
      expect(await wipeTarget(target, { method: 'zero', verify: 'off' })).toMatchObject({ outcome: 'failed', bytesWritten: 0, passes: [], error: { code: 'TARGET_READ_ONLY' } });
    } finally {
      target.close();
    }
    expect(readAt(file, 0, MARKER.length).equals(MARKER)).toBe(true);
    await expect(wipeImage(file, { method: 'shred' as 'zero', verify: 'off' })).rejects.toMatchObject({ code: 'INVALID_METHOD', outcome: 'refused' });
    await expect(wipeImage(file, { method: 'zero', verify: 'off', label: 'NOT:A/LABEL' })).rejects.toMatchObject({ code: 'INVALID_LABEL', outcome: 'refused' });
    expect(readAt(file, 0, MARKER.length).equals(MARKER)).toBe(true);
  });
});

describe('passes in the disk worker', () => {
  it('random-zero, verify all: no secret left, Clear, formatted, every byte counted, progress ≤ 4 Hz', { timeout: 90_000 }, async () => {
    const file = image('worker-random-zero.img');
    const planted = await plantSecrets(file);
    expect(planted.total).toBeGreaterThan(90);
    const events: { at: number; progress: WipeProgress }[] = [];
    const result = await wipeImage(file, { method: 'random-zero', verify: 'all', label: 'WORKER', passEngine: workerEngine, onProgress: (progress) => events.push({ at: performance.now(), progress }) });
    expect(result).toMatchObject({ outcome: 'sanitized', nistLevel: 'Clear', verification: 'passed', formatted: true, bytesWritten: 2 * GiB, bytesVerified: 2 * GiB, errors: { retried: 0, failed: 0, messages: [] } });
    expect(result.passes.map((pass) => [pass.pattern, pass.bytes, pass.verified])).toEqual([
      ['random', GiB, true],
      ['zero', GiB, true],
    ]);
    expect(scanMarkers(file)).toEqual([]);
    expect(grepCount(file)).toBe(0);
    expectFreshVolume(file, GiB, 'WORKER');
    // Bytes done as the worker reports them: rising within each phase, ending at the whole job.
    const done = events.map((event) => event.progress.bytesDone);
    expect(done.every((value, index) => index === 0 || value >= (done[index - 1] ?? 0))).toBe(true);
    expect(events.at(-1)?.progress).toMatchObject({ phase: 'format', bytesDone: 4 * GiB, bytesTotal: 4 * GiB });
    // Phases in order; one shorter than the 250 ms between events (a verification at RAM speed) may show none.
    const order = ['pass 1/2: random', 'verify 1/2: random', 'pass 2/2: zero', 'verify 2/2: zero', 'format'];
    const seen = [...new Set(events.map((event) => event.progress.phase))].map((phase) => order.indexOf(phase));
    expect(seen).not.toContain(-1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toEqual(expect.arrayContaining([0, 2, 4]));
    expectAtMostFourPerSecond(events.slice(0, -1).map((event) => event.at));
  });

  it('a session reads back what it wrote, finds a byte changed behind it, and its key dies with it', async () => {
    const file = image('worker-flip.img', 128 * MiB);
    const target = await BlockTarget.open(file, { access: 'write' });
    try {
      const random = workerEngine(target, 'random');
      const counted: number[] = [];
      const posted = vi.spyOn(Worker.prototype, 'postMessage');
      try {
        await random.ready();
        expect(await random.write({ verifyFollows: true, onBytes: (bytes) => counted.push(bytes) })).toMatchObject({ bytes: 128 * MiB });
        expect(counted.at(-1)).toBe(128 * MiB);
        // The worker is told that the verification follows (for a device, its write then empties the cache).
        expect(posted).toHaveBeenCalledWith({ type: 'pass-write', verifyFollows: true });
        expect(await random.verify()).toEqual({ bytes: 128 * MiB, mismatchAt: null });
        flipByte(file, 77_777_777);
        expect(await random.verify()).toEqual({ bytes: 77_777_777, mismatchAt: 77_777_777 });
      } finally {
        await random.close();
      }
      // Another session has another key: the stream just written cannot be produced again.
      const other = workerEngine(target, 'random');
      try {
        expect((await other.verify()).mismatchAt).toBeLessThan(16);
      } finally {
        await other.close();
      }
      // A zero session checks zeros only where asked: the spans' first byte that is not zero.
      const zeros = workerEngine(target, 'zero');
      try {
        await zeros.write({ spans: [{ start: 0, length: MiB }] });
        const beyond = await zeros.verify({ spans: [{ start: 0, length: 2 * MiB }] });
        expect(beyond.mismatchAt).toBeGreaterThanOrEqual(MiB);
        expect(beyond.mismatchAt).toBeLessThan(MiB + 16);
        expect(await zeros.verify({ spans: [{ start: 0, length: MiB }] })).toEqual({ bytes: MiB, mismatchAt: null });
      } finally {
        await zeros.close();
      }
    } finally {
      target.close();
    }
  });

  it('a verification that blocks the worker between yields still stops when cancelled', { timeout: 60_000 }, async () => {
    // Never written: a zero session verifies the holes as zeros. Reading holes is the fastest a
    // verification can go (GB/s), yet the 16 GiB left after the first chunk take the worker
    // seconds; the cancel reaches it at its next yield, at most 50 ms of blocking reads later
    // (measured: it stopped after ~100 MiB).
    const size = 16 * GiB;
    const file = image('worker-cancel-verify.img', size);
    const target = await BlockTarget.open(file, { access: 'write' });
    const session = workerEngine(target, 'zero');
    try {
      const controller = new AbortController();
      const counts: number[] = [];
      // Cancelled at the first bytes the worker reports (its first report is immediate).
      const onBytes = (bytes: number): void => {
        counts.push(bytes);
        if (counts.length === 1) controller.abort();
      };
      await expect(session.verify({ signal: controller.signal, onBytes })).rejects.toMatchObject({ code: 'CANCELLED', outcome: 'cancelled' });
      const [first] = counts;
      const counted = counts.at(-1) ?? 0;
      expect(first).toBeGreaterThan(0);
      expect(counted).toBeGreaterThanOrEqual(first ?? 0);
      expect(counted).toBeLessThan(size);
      expect(counted % CHUNK_BYTES).toBe(0);
      // The session is still usable after a cancelled operation.
      expect(await session.verify({ spans: [{ start: 0, length: 4 * MiB }] })).toEqual({ bytes: 4 * MiB, mismatchAt: null });
    } finally {
      await session.close();
      target.close();
    }
  });

  it('a worker that cannot start fails the wipe with DISK_WORKER_FAILED and writes nothing', async () => {
    const file = image('worker-missing.img', 128 * MiB);
    writeAt(file, 0, MARKER);
    const broken = offThreadPassEngine(path.join(dir, 'no-such-worker.cjs'));
    const target = await BlockTarget.open(file, { access: 'write' });
    try {
      const session = broken(target, 'zero');
      await expect(session.ready()).rejects.toMatchObject({ code: 'DISK_WORKER_FAILED', outcome: 'failed' });
      await expect(session.write()).rejects.toMatchObject({ code: 'DISK_WORKER_FAILED' });
      await session.close();
      const result = await wipeTarget(target, { method: 'random', verify: 'last', passEngine: broken });
      expect(result).toMatchObject({ outcome: 'failed', nistLevel: 'none', formatted: false, bytesWritten: 0, error: { code: 'DISK_WORKER_FAILED' } });
    } finally {
      target.close();
    }
    expect(readAt(file, 0, MARKER.length).equals(MARKER)).toBe(true);
  });

  it('cancelled in the worker: outcome cancelled, bytes counted exactly, the drive not claimed', async () => {
    const file = image('worker-cancel.img');
    const controller = new AbortController();
    let cancelledAt = 0;
    // Cancelled at the first bytes the worker reports (its first report is immediate, after one
    // chunk): the cancel crosses to the worker while it still has the rest of the gigabyte to write.
    const passEngine = engineActingAtFirstBytes(workerEngine, () => true, (bytes) => {
      cancelledAt = bytes;
      controller.abort();
    });
    const result = await wipeImage(file, { method: 'random', verify: 'last', signal: controller.signal, passEngine });
    expect(result).toMatchObject({ outcome: 'cancelled', nistLevel: 'none', formatted: false, verification: 'not-run', error: { code: 'CANCELLED' } });
    expect(result.error?.message).toContain('NOT sanitized');
    expect(cancelledAt).toBeGreaterThan(0);
    // The worker's own count when it stopped: at least what it had reported, whole chunks, not the drive.
    expect(result.bytesWritten).toBeGreaterThanOrEqual(cancelledAt);
    expect(result.bytesWritten).toBeLessThan(GiB);
    expect(result.bytesWritten % CHUNK_BYTES).toBe(0);
    expect(result.passes[0]?.bytes).toBe(result.bytesWritten);
  });
});

describe('sanitizeDrives', () => {
  it('wipes drives in parallel; a drive changed since it was chosen is refused and the others are sanitized', { timeout: 90_000 }, async () => {
    const files = [image('batch-0.img'), image('batch-1.img'), image('batch-2.img')];
    for (const file of files) writeAt(file, 4096, MARKER);
    const chosen = await Promise.all(files.map((file) => chooseDrive(file)));
    // Between the choice and the wipe, someone repartitions the third drive.
    const [, , changed] = files as [string, string, string];
    mustRun('sfdisk', ['--quiet', changed], { input: 'label: dos\nstart=2048, type=83\n' });
    const changedBefore = readAt(changed, 0, MiB);

    const events: WipeProgress[] = [];
    const [first] = chosen;
    if (first === undefined) throw new Error('no drive chosen');
    const results = await sanitizeDrives([...chosen, first], { method: 'zero', verify: 'off', onProgress: (progress) => events.push(progress) });

    expect(results.map((result) => [result.target, result.outcome, result.nistLevel, result.error?.code ?? null])).toEqual([
      [files[0], 'sanitized', 'none', null],
      [files[1], 'sanitized', 'none', null],
      [files[2], 'failed', 'none', 'DRIVE_CHANGED'],
      [files[0], 'failed', 'none', 'DUPLICATE_TARGET'],
    ]);
    const [a, b] = results as [WipeResult, WipeResult];
    // Both ran at the same time: each started before the other ended.
    expect(a.startedAt < b.endedAt && b.startedAt < a.endedAt).toBe(true);
    expect(new Set(events.map((event) => event.target))).toEqual(new Set([files[0], files[1]]));
    expect(results[2]).toMatchObject({ passes: [], bytesWritten: 0, errors: { failed: 1 } });
    expect(readAt(changed, 0, MiB).equals(changedBefore)).toBe(true);
    for (const file of files.slice(0, 2)) {
      expect(readAt(file, 4096, MARKER.length).equals(MARKER)).toBe(false);
      expectFreshVolume(file, GiB, 'PANORAMA');
    }
  });
});

describe('estimateSeconds', () => {
  it('orders the methods by the work they do and scales with the speed', () => {
    const bytes = 32 * GiB;
    const quick = estimateSeconds(bytes, 'quick', 'last');
    const zero = estimateSeconds(bytes, 'zero', 'off');
    const zeroVerified = estimateSeconds(bytes, 'zero', 'last');
    const twoPassLast = estimateSeconds(bytes, 'random-zero', 'last');
    const twoPassAll = estimateSeconds(bytes, 'random-zero', 'all');
    expect(quick).toBeLessThan(10);
    expect(quick).toBeLessThan(zero);
    expect(zero).toBeLessThan(zeroVerified);
    expect(zeroVerified).toBeLessThan(twoPassLast);
    expect(twoPassLast).toBeLessThan(twoPassAll);
    expect(estimateSeconds(bytes, 'random', 'off')).toBe(zero);
    // 32 GiB at 30 MB/s is about 19 minutes.
    expect(zero).toBeGreaterThan(1100);
    expect(zero).toBeLessThan(1250);
    expect(estimateSeconds(bytes, 'zero', 'off', 300_000_000)).toBeLessThan(zero / 9);
  });
});

const loopsUsable = canUseLoopDevices();
if (!loopsUsable) console.warn('Loop-device wipe tests skipped: they need root and losetup (the image-file tests run the same code).');

describe.skipIf(!loopsUsable)('on loop devices', () => {
  const attached: string[] = [];
  const loop = (file: string): string => {
    const device = attachLoop(file);
    attached.push(device);
    return device;
  };
  afterEach(() => {
    while (attached.length > 0) detachLoop(attached.pop() ?? '');
  });

  it('random, verified, through the exclusive open of a chosen drive: no secret left', { timeout: 90_000 }, async () => {
    const file = image('loop-secrets.img');
    await plantSecrets(file);
    const device = loop(file);
    const results = await sanitizeDrives([await chooseDrive(device)], { method: 'random', verify: 'all', label: 'LOOPWIPE' });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ target: device, outcome: 'sanitized', nistLevel: 'Clear', verification: 'passed', formatted: true, bytesWritten: GiB, bytesVerified: GiB });
    detachLoop(attached.pop() ?? '');
    expect(scanMarkers(file)).toEqual([]);
    expect(grepCount(file)).toBe(0);
    expectFreshVolume(file, GiB, 'LOOPWIPE');
  });

  it('verification reads a loop device around its cache (O_DIRECT into aligned buffers, or through the emptied cache) and finds a byte changed behind it', { timeout: 60_000 }, async () => {
    const file = image('loop-direct.img', 64 * MiB);
    const device = loop(file);
    const target = await BlockTarget.open(device, { access: 'write', exclusive: true });
    const random = PassPattern.create('random', CHUNK_BYTES);
    const zeros = PassPattern.create('zero', CHUNK_BYTES);
    const opened = vi.spyOn(target, 'openDirectReader');
    try {
      await writePass(target, random);
      expect(await verifyPass(target, random)).toEqual({ bytes: 64 * MiB, mismatchAt: null, unverified: [] });
      expect(opened.mock.results[0]?.value).toBeInstanceOf(BlockTarget);
      // Changed in the file behind the loop: a cached read of the loop device would not see it.
      flipByte(file, 40 * MiB + 12_345);
      expect(await verifyPass(target, random)).toEqual({ bytes: 40 * MiB + 12_345, mismatchAt: 40 * MiB + 12_345, unverified: [] });
      // Asked for blocking reads (the disk worker asks), a device is read through its cache once the
      // kernel emptied it: the cache still held the written pages, which would not show the change.
      expect(await verifyPass(target, random, { blockingReads: true })).toEqual({ bytes: 40 * MiB + 12_345, mismatchAt: 40 * MiB + 12_345, unverified: [] });
      expect(opened).toHaveBeenCalledTimes(2);
      // When the cache cannot be emptied (here: no blockdev to run; for a user, no root), O_DIRECT keeps it from answering.
      await writePass(target, random);
      flipByte(file, 40 * MiB + 12_345);
      const searchPath = process.env.PATH;
      process.env.PATH = path.join(dir, 'no-tools-here');
      try {
        expect(await verifyPass(target, random, { blockingReads: true })).toEqual({ bytes: 40 * MiB + 12_345, mismatchAt: 40 * MiB + 12_345, unverified: [] });
      } finally {
        process.env.PATH = searchPath;
      }
      expect(opened).toHaveBeenCalledTimes(3);
      // Spans not aligned for direct I/O are read through the cache, with the same answer.
      await writePass(target, zeros);
      flipByte(file, 40 * MiB + 12_345);
      expect(await verifyPass(target, zeros, { spans: [{ start: 40 * MiB + 1, length: MiB }] })).toEqual({ bytes: 12_344, mismatchAt: 40 * MiB + 12_345, unverified: [] });
      expect(opened).toHaveBeenCalledTimes(3);
    } finally {
      random.dispose();
      target.close();
    }
    // The kernel really insists on alignment: an unaligned view of the same memory is refused.
    const fd = openSync(device, constants.O_RDONLY | constants.O_DIRECT);
    try {
      const [aligned] = alignedBuffers(1, 2 * 4096);
      expect(aligned).toBeDefined();
      expect(readSync(fd, aligned ?? Buffer.alloc(0), 0, 4096, 0)).toBe(4096);
      expect(() => readSync(fd, (aligned ?? Buffer.alloc(0)).subarray(1), 0, 4096, 0)).toThrow(/EINVAL/);
    } finally {
      closeSync(fd);
    }
  });

  it('a write followed by its verification ends by emptying the cache: the verification reads through it without blockdev, and finds a byte changed behind it', { timeout: 60_000 }, async () => {
    const file = image('loop-emptied.img', 64 * MiB);
    const device = loop(file);
    const target = await BlockTarget.open(device, { access: 'write', exclusive: true });
    const zeros = PassPattern.create('zero', CHUNK_BYTES);
    // Also the descriptors the disk worker's side of a session adopts.
    const opened = vi.spyOn(BlockTarget.prototype, 'openDirectReader');
    const flipped = { bytes: 40 * MiB + 12_345, mismatchAt: 40 * MiB + 12_345 };
    const searchPath = process.env.PATH;
    /** From here on there is no blockdev to run (for a user: no root): only an earlier emptying counts. */
    const withoutTools = (): void => {
      process.env.PATH = path.join(dir, 'no-tools-here');
    };
    try {
      // Only a write whose verification follows, and will read through the cache, empties it.
      expect((await writePass(target, zeros, { blockingReads: true })).cacheEmptied).toBe(false);
      expect((await writePass(target, zeros, { verifyFollows: true })).cacheEmptied).toBe(false);
      expect((await writePass(target, zeros, { verifyFollows: true, blockingReads: true })).cacheEmptied).toBe(true);

      const session = inlinePassEngine(target, 'random');
      try {
        await session.write({ verifyFollows: true, blockingReads: true });
        flipByte(file, flipped.mismatchAt);
        withoutTools();
        // The cache still held the written pages when the write ended: had it not been emptied, the change would not show.
        expect(await session.verify({ blockingReads: true })).toEqual(flipped);
        expect(opened).not.toHaveBeenCalled();
        // Its reads filled the cache again: the next verification does not trust it and, unable to empty it, reads around it.
        expect(await session.verify({ blockingReads: true })).toEqual(flipped);
        expect(opened).toHaveBeenCalledTimes(1);
      } finally {
        process.env.PATH = searchPath;
        await session.close();
      }

      // The disk worker's side of a session, run here: it passes verifyFollows on and reads as the worker does.
      const sent: FromPassOperation[] = [];
      const host = new PassHost({ type: 'pass-open', target: target.handle, kind: 'random' }, (message) => sent.push(message));
      try {
        await host.run({ type: 'pass-write', verifyFollows: true });
        flipByte(file, flipped.mismatchAt);
        withoutTools();
        await host.run({ type: 'pass-verify' });
        expect(sent.at(-1)).toMatchObject({ type: 'pass-verified', ...flipped });
        expect(opened).toHaveBeenCalledTimes(1);
      } finally {
        process.env.PATH = searchPath;
        await host.close();
      }
    } finally {
      zeros.dispose();
      target.close();
    }
  });

  it.each([
    ['on this thread', inlinePassEngine],
    ['in the disk worker', workerEngine],
  ] as const)('a drive pulled out mid-wipe (%s) fails with DRIVE_UNPLUGGED; the two others are sanitized', { timeout: 90_000 }, async (_where, engine) => {
    // The victim is larger than the others (sparse: only what is written takes space): pulled at
    // its first bytes, it still has more than 3 GiB to go, far more than the pull takes.
    const victimSize = 4 * GiB;
    const files = [image('pull-0.img'), image('pull-1.img', victimSize), image('pull-2.img')];
    const devices = files.map((file) => loop(file));
    const chosen = await Promise.all(devices.map((device) => chooseDrive(device)));
    const victim = { file: files[1] ?? '', device: devices[1] ?? '' };
    let pulledAt = 0;
    // Pulled at the first bytes the victim's pass reports. On this thread the pass cannot go on
    // meanwhile; in the worker it goes on, but truncating a file that holds a few MiB is instant.
    const passEngine = engineActingAtFirstBytes(engine, (target) => target.path === victim.device, (bytes) => {
      pulledAt = bytes;
      // The medium goes away mid-pass, as when a stick is pulled from the hub.
      truncateSync(victim.file, 0);
      execFileSync('losetup', ['-c', victim.device]);
    });
    const results = await sanitizeDrives(chosen, { method: 'zero', verify: 'off', passEngine });
    expect(pulledAt).toBeGreaterThan(0);
    expect(results.map((result) => [result.outcome, result.error?.code ?? null])).toEqual([
      ['sanitized', null],
      ['failed', 'DRIVE_UNPLUGGED'],
      ['sanitized', null],
    ]);
    expect(results[1]).toMatchObject({ nistLevel: 'none', formatted: false, errors: { retried: 0, failed: 1 } });
    expect(results[1]?.bytesWritten).toBeLessThan(victimSize);
  });

  it('a drive pulled out while the disk worker verifies it (through its emptied cache) fails with DRIVE_UNPLUGGED, not a mismatch', { timeout: 90_000 }, async () => {
    // Never written: a zero session verifies the holes as zeros, so the image stays sparse and
    // pulling it (truncating it) frees nothing and is instant — well within the 0.3 s the reads'
    // retries give a drive to settle — while the worker still has gigabytes of holes to read.
    const size = 16 * GiB;
    const file = image('pull-verify.img', size);
    const device = loop(file);
    const target = await BlockTarget.open(device, { access: 'write', exclusive: true });
    try {
      const zeros = workerEngine(target, 'zero');
      try {
        const seen: number[] = [];
        const verifying = zeros.verify({
          onBytes: (bytes) => {
            seen.push(bytes);
            if (seen.length > 1) return;
            // The first bytes arrive after the worker's first chunk: the medium goes away mid-verification.
            truncateSync(file, 0);
            execFileSync('losetup', ['-c', device]);
          },
        });
        await expect(verifying).rejects.toMatchObject({ code: 'DRIVE_UNPLUGGED' });
        expect(seen[0]).toBeGreaterThan(0);
        expect(seen.at(-1)).toBeLessThan(size);
      } finally {
        await zeros.close();
      }
    } finally {
      target.close();
      detachLoop(attached.pop() ?? '');
    }
  });
});
