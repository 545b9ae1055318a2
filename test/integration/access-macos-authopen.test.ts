/**
 * macOS's way of opening a drive without running as root — authopen hands the open descriptor
 * back over its stdout as SCM_RIGHTS — exercised for real on Linux: the same usocket receiver,
 * the same adapter, with a stand-in for authopen that follows its protocol (test/support/
 * authopen-stand-in.py) over an image file, and diskutil's answers from the recorded fixture.
 * The descriptor that comes back is the image's own; a refusal, a dismissal or a helper that
 * fails after sending leaves the image unchanged and no descriptor behind.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadUsocket } from '../../main/core/access/fd-receiver';
import { driveAccess, type CommandRunner } from '../../main/core/access/platform';
import { fileSha256, imageDir, MiB } from '../support/images';

const STAND_IN = path.resolve('test/support/authopen-stand-in.py');
const SIZE = 8 * MiB;
const unavailable = process.platform !== 'linux' ? 'the stand-in runs on Linux' : loadUsocket() === null ? 'usocket is not built' : null;
if (unavailable !== null) console.warn(`authopen tests skipped: ${unavailable}.`);

describe.skipIf(unavailable !== null)('macOS: a drive opened through authopen (a stand-in following its protocol)', () => {
  const { dir, cleanup } = imageDir('authopen');
  afterAll(cleanup);
  const image = path.join(dir, 'disk4.img');
  const record = path.join(dir, 'asked.txt');
  const plist = fs.readFileSync('test/fixtures/macos/diskutil-info-usb.plist', 'utf8').replaceAll('<integer>30752636928</integer>', `<integer>${SIZE}</integer>`);
  const run: CommandRunner = (command, args) => Promise.resolve(command === 'diskutil' && args[0] === 'info' ? { status: 0, stdout: plist, stderr: '' } : { status: 1, stdout: '', stderr: `unexpected ${command}` });
  const mac = (authopen = STAND_IN) => driveAccess('darwin', { run, authopen, isRoot: () => false });
  // Each open descriptor as "fd -> target". Compared as sets: a descriptor that something else in
  // this process closes meanwhile must not count as a leak (a bare count did, once in CI).
  const openDescriptors = (): string[] =>
    fs.readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [`${fd} -> ${fs.readlinkSync(`/proc/self/fd/${fd}`)}`];
      } catch {
        return []; // the directory's own descriptor, gone by now
      }
    });
  const setMode = (mode: string): void => {
    process.env['AUTHOPEN_STAND_IN_MODE'] = mode;
    process.env['AUTHOPEN_STAND_IN_DEVICE'] = image;
    process.env['AUTHOPEN_STAND_IN_RECORD'] = record;
  };
  afterEach(() => {
    delete process.env['AUTHOPEN_STAND_IN_MODE'];
  });

  it('opens /dev/rdisk4 read-write with the descriptor authopen sent, and writes in whole 512-byte blocks', async () => {
    const model = randomBytes(SIZE);
    fs.writeFileSync(image, model);
    setMode('allow');
    const target = await mac().open('/dev/disk4', { access: 'write' });
    try {
      expect(fs.readFileSync(record, 'utf8')).toBe('-stdoutpipe -o 2 /dev/rdisk4');
      expect(target).toMatchObject({ path: '/dev/rdisk4', kind: 'device', size: SIZE, writable: true });
      // The very file, not a copy: same inode.
      expect(fs.fstatSync(target.fd).ino).toBe(fs.statSync(image).ino);
      // A write across block edges goes out as whole blocks (read, modified, written back).
      const data = randomBytes(1000);
      target.writeSync(data, 0, data.length, 700);
      data.copy(model, 700);
      await target.flush();
    } finally {
      target.close();
    }
    expect(fs.readFileSync(image).equals(model)).toBe(true);
  });

  it('a read-only open asks for O_RDONLY (-o 0), and the descriptor cannot write', async () => {
    fs.writeFileSync(image, randomBytes(SIZE));
    setMode('allow');
    const target = await mac().open('/dev/disk4', { access: 'read' });
    try {
      expect(fs.readFileSync(record, 'utf8')).toBe('-stdoutpipe -o 0 /dev/rdisk4');
      expect(target.writable).toBe(false);
      expect(() => fs.writeSync(target.fd, Buffer.alloc(512), 0, 512, 0)).toThrow(expect.objectContaining({ code: 'EBADF' }) as Error);
    } finally {
      target.close();
    }
  });

  it('refused, dismissed, a helper that fails after sending, or no authopen at all: typed errors, the image unchanged, no descriptor left open', async () => {
    fs.writeFileSync(image, randomBytes(SIZE));
    const before = await fileSha256(image);
    const descriptors = openDescriptors();
    for (const [mode, code] of [
      ['deny', 'AUTHORIZATION_DENIED'],
      ['cancel', 'AUTHORIZATION_DISMISSED'],
      ['send-then-fail', 'DRIVE_ACCESS_UNAVAILABLE'],
    ] as const) {
      setMode(mode);
      await expect(mac().open('/dev/disk4', { access: 'write' }), mode).rejects.toMatchObject({ code, nextStep: expect.any(String) as unknown });
    }
    setMode('allow');
    await expect(mac(path.join(dir, 'no-such-authopen')).open('/dev/disk4', { access: 'write' })).rejects.toMatchObject({ code: 'DRIVE_ACCESS_UNAVAILABLE' });
    const after = openDescriptors();
    expect(after.filter((entry) => !descriptors.includes(entry))).toEqual([]);
    expect(after.filter((entry) => entry.endsWith(` -> ${image}`))).toEqual([]);
    expect(await fileSha256(image)).toBe(before);
  });
});
