/**
 * Drives reached as a normal user through UDisks2 — real daemons (system bus, udev, polkit,
 * UDisks2), a real polkit rule, a real unprivileged user: the client opens a loop device and the
 * descriptor crosses D-Bus into the user's process; a device the rule does not cover, a missing
 * rule and a stopped bus each refuse with their code and leave the device byte for byte as it
 * was; a mounted partition is unmounted (and one in use is DRIVE_BUSY naming its mount point);
 * a loop device is released. The client runs in a probe bundled from test/support/udisks2-probe.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../main/core/disk';
import { realisticArchive } from '../support/archives';
import { parseSingleJson, runBin } from '../support/cli';
import { desktopUnavailable, runAsTestUser, startDesktop, TEST_USER, type Desktop } from '../support/desktop';
import { fileSha256, imageDir, MiB, sparseImage } from '../support/images';
import { countMarkers } from '../support/markers';
import { attachLoop, detachLoop, fsckFat, MTOOLS_ENV, mtools, mtoolsImage, mustRun, tool } from '../support/tools';

const SECRET = 'SECRET-KEY-MATERIAL-UDISKS2';

const skipped = desktopUnavailable();
if (skipped !== null) console.warn(`UDisks2 tests skipped: ${skipped}.`);

interface ProbeAnswer {
  ok: boolean;
  code?: string;
  outcome?: string;
  message?: string;
  hex?: string;
  unmounted?: string[];
  released?: string;
  isBlockDevice?: boolean;
}

describe.skipIf(skipped !== null)('UDisks2 as an unprivileged user', () => {
  const { dir, cleanup } = imageDir('access-udisks2');
  const probe = path.resolve('dist/test-probes/udisks2-probe.cjs');
  const attached: string[] = [];
  let desktop: Desktop;

  const loop = (image: string): string => {
    const device = attachLoop(image);
    attached.push(device);
    desktop.settle();
    return device;
  };

  /** A device detached by the code under test: its number may go to someone else's loop device, which afterAll must not detach. */
  const forget = (device: string): void => {
    attached.splice(attached.indexOf(device), 1);
  };

  const ask = (...args: string[]): ProbeAnswer => {
    const run = runAsTestUser(process.execPath, [probe, ...args]);
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    try {
      return JSON.parse(line) as ProbeAnswer;
    } catch {
      throw new Error(`the probe said nothing usable (status ${String(run.status)}): ${run.stdout}${run.stderr}`);
    }
  };

  beforeAll(async () => {
    // Next to node_modules, so the bundle finds dbus-next and usocket as the app does.
    await build({ entryPoints: ['test/support/udisks2-probe.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', outfile: probe, logLevel: 'warning' });
    desktop = await startDesktop();
  }, 120_000);

  afterAll(async () => {
    for (const device of attached) detachLoop(device);
    await desktop.stop();
    cleanup();
  }, 120_000);

  it('the user cannot open the device by itself, but gets a descriptor from UDisks2 and writes through it', () => {
    const image = sparseImage(dir, 'allowed.img', 64 * MiB);
    const device = loop(image);
    expect(runAsTestUser('dd', [`if=${device}`, 'of=/dev/null', 'count=1', 'status=none']).status).not.toBe(0);

    expect(ask('write-marker', device, '512', 'WRITTEN-THROUGH-UDISKS2')).toEqual({ ok: true, isBlockDevice: true });
    expect(readFileSync(image).subarray(512, 512 + 23).toString('utf8')).toBe('WRITTEN-THROUGH-UDISKS2');
    // O_DIRECT through the same path reads what is on the device.
    const direct = ask('read-direct', device);
    expect(direct.ok).toBe(true);
    expect(Buffer.from(direct.hex ?? '', 'hex').subarray(512, 512 + 23).toString('utf8')).toBe('WRITTEN-THROUGH-UDISKS2');
  });

  /** With polkit set up by `policy`, a write is AUTHORIZATION_DENIED and the device byte for byte as it was; the rule is restored after. */
  const expectDenied = async (name: string, policy: (device: string) => Promise<void>): Promise<void> => {
    const image = sparseImage(dir, name, 64 * MiB);
    const device = loop(image);
    await policy(device);
    try {
      const before = await fileSha256(image);
      expect(ask('write-marker', device, '0', 'MUST-NOT-APPEAR')).toMatchObject({ ok: false, code: 'AUTHORIZATION_DENIED', outcome: 'refused' });
      expect(await fileSha256(image)).toBe(before);
    } finally {
      await desktop.allowLoopDevices();
    }
  };

  it('a device the rule does not cover is AUTHORIZATION_DENIED and left unchanged', () => expectDenied('excluded.img', (device) => desktop.allowLoopDevices([device])));

  it('unmounts the mounted partition of the chosen drive; a volume in use is DRIVE_BUSY naming its mount point', () => {
    const image = sparseImage(dir, 'mounted.img', 64 * MiB);
    mustRun('sfdisk', ['--quiet', image], { input: 'label: dos\nstart=2048, type=83\n' });
    const device = loop(image);
    // This kernel has no partition-table parser: partx adds the partition (-u: as -a, and no error when udev's probe added it first); it can mount ext4 (not vfat).
    mustRun('partx', ['-u', device]);
    const partition = `${device}p1`;
    mustRun('mkfs.ext4', ['-q', '-F', partition]);
    desktop.settle();
    const mountPoint = mkdtempSync(path.join(tmpdir(), 'udisks2-mount-'));
    mustRun('mount', [partition, mountPoint]);
    try {
      const inUse = openSync(path.join(mountPoint, 'open-file'), 'w');
      try {
        expect(ask('unmount', device)).toMatchObject({ ok: false, code: 'DRIVE_BUSY', message: expect.stringContaining(mountPoint) as unknown });
        expect(tool('findmnt', [mountPoint]).status).toBe(0);
      } finally {
        closeSync(inUse);
      }
      expect(ask('unmount', device)).toEqual({ ok: true, unmounted: [mountPoint] });
      expect(tool('findmnt', [mountPoint]).status).not.toBe(0);
    } finally {
      tool('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
      tool('partx', ['-d', device]);
    }
  });

  it('releases a loop device (Loop.Delete): it is detached', () => {
    const image = sparseImage(dir, 'released.img', 64 * MiB);
    const device = loop(image);
    expect(ask('release', device)).toEqual({ ok: true, released: 'deleted' });
    expect(mustRun('losetup', ['-j', image]).trim()).toBe('');
    forget(device);
  });

  it('without the rule: AUTHORIZATION_DENIED (an administrator would be asked, and no agent can ask), unchanged', () => expectDenied('no-rule.img', () => desktop.removeRule()));

  describe('the command line, as that user, with no sudo', () => {
    let home: string;
    const cli = (...args: string[]): { status: number | null; doc: Record<string, unknown>; stderr: string } => {
      const run = runAsTestUser(process.execPath, [path.resolve('bin/panorama-usb.cjs'), ...args, '--yes', '--json'], { PANORAMA_USB_DATA_DIR: path.join(home, 'data') });
      return { status: run.status, doc: parseSingleJson(run.stdout), stderr: run.stderr };
    };

    beforeAll(() => {
      // A folder of the user's own: its data folder, and the archive it was given.
      home = mkdtempSync(path.join(tmpdir(), 'udisks2-user-'));
      chownSync(home, desktop.uid, desktop.gid);
      chmodSync(home, 0o755);
    });
    afterAll(() => rmSync(home, { recursive: true, force: true }));

    it('`info` says drives are reached through UDisks2', () => {
      const info = runAsTestUser(process.execPath, [path.resolve('bin/panorama-usb.cjs'), 'info', '--json']);
      expect(parseSingleJson(info.stdout)).toMatchObject({ ok: true, info: { elevated: false, driveAccess: 'udisks2' } });
    });

    it('writes an archive to a loop device, verified: fsck.fat and mtools read it, SHA-256 equal', () => {
      const image = sparseImage(dir, 'cli-write.img', 1100 * MiB);
      const device = loop(image);
      const archive = path.join(home, 'certificates-omni_user-cam.zip');
      const bytes = realisticArchive();
      writeFileSync(archive, bytes, { mode: 0o644 });
      const written = cli('write', archive, device);
      expect(written.status, JSON.stringify(written.doc) + written.stderr).toBe(0);
      expect(written.doc).toMatchObject({ ok: true, write: { target: device, verified: true } });
      const fsck = fsckFat(image, MiB, 1100 * MiB - MiB);
      expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
      const copy = execFileSync('mcopy', ['-n', '-i', mtoolsImage(image, MiB), '::/certificates-omni_user-cam.zip', '-'], { env: { ...process.env, ...MTOOLS_ENV } });
      expect(sha256(copy)).toBe(sha256(bytes));
    });

    it.each(['zero', 'random'])('sanitizes a loop device (%s, verify last): no secret left, Clear, a fresh volume', (method) => {
      const image = sparseImage(dir, `cli-${method}.img`, 256 * MiB);
      for (const offset of [0, 1000 * 512, 100 * MiB, 256 * MiB - 512]) {
        const fd = openSync(image, 'r+');
        writeSync(fd, Buffer.from(SECRET), 0, SECRET.length, offset);
        closeSync(fd);
      }
      const device = loop(image);
      const sanitized = cli('sanitize', device, '--method', method, '--verify', 'last');
      expect(sanitized.status, JSON.stringify(sanitized.doc) + sanitized.stderr).toBe(0);
      expect(sanitized.doc).toMatchObject({ results: [{ target: device, outcome: 'sanitized', nistLevel: 'Clear', verification: 'passed', formatted: true }] });
      expect(countMarkers(image, SECRET)).toBe(0);
      expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('Volume label is PANORAMA');
    });

    /** A loop device whose one partition holds a mounted ext4 volume (partx: this kernel parses no partition tables). */
    const mountedDrive = (name: string): { image: string; device: string; mountPoint: string; unmountAll: () => void } => {
      const image = sparseImage(dir, name, 1100 * MiB);
      mustRun('sfdisk', ['--quiet', image], { input: 'label: dos\nstart=2048, type=83\n' });
      const device = loop(image);
      mustRun('partx', ['-u', device]);
      mustRun('mkfs.ext4', ['-q', '-F', `${device}p1`]);
      const mountPoint = mkdtempSync(path.join(tmpdir(), 'mounted-stick-'));
      mustRun('mount', [`${device}p1`, mountPoint]);
      desktop.settle();
      return {
        image,
        device,
        mountPoint,
        unmountAll: () => {
          tool('umount', [mountPoint]);
          rmSync(mountPoint, { recursive: true, force: true });
          tool('partx', ['-d', device]);
        },
      };
    };

    it('a mounted drive: refused without --unmount (the drive unchanged), in use it is DRIVE_BUSY naming the mount point, unmounted and written with --unmount', () => {
      const { image, device, mountPoint, unmountAll } = mountedDrive('cli-mounted.img');
      const archive = path.join(home, 'certificates-omni_mounted-cam.zip');
      writeFileSync(archive, realisticArchive(), { mode: 0o644 });
      try {
        // The mounted ext4 volume itself changes (its journal, the file opened below): what a write
        // of ours would change first is the partition table and the gap before the volume.
        const leading = (): string => sha256(readFileSync(image).subarray(0, MiB));
        const before = leading();
        const refused = cli('write', archive, device);
        expect(refused.status).toBe(2);
        expect(refused.doc).toMatchObject({ ok: false, error: { code: 'DRIVE_INELIGIBLE', message: expect.stringContaining(mountPoint) as unknown, nextStep: expect.stringContaining('--unmount') as unknown } });

        const inUse = openSync(path.join(mountPoint, 'open-file'), 'w');
        try {
          const busy = cli('write', archive, device, '--unmount');
          expect(busy.status).toBe(2);
          expect(busy.doc).toMatchObject({ ok: false, error: { code: 'DRIVE_BUSY', message: expect.stringContaining(mountPoint) as unknown } });
        } finally {
          closeSync(inUse);
        }
        expect(leading()).toBe(before);
        expect(tool('findmnt', [mountPoint]).status).toBe(0);

        const written = cli('write', archive, device, '--unmount');
        expect(written.status, JSON.stringify(written.doc) + written.stderr).toBe(0);
        expect(tool('findmnt', [mountPoint]).status).not.toBe(0);
        const fsck = fsckFat(image, MiB, 1100 * MiB - MiB);
        expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
      } finally {
        unmountAll();
      }
    });

    it('as root, --unmount unmounts with umount and writes, as before without UDisks2', () => {
      const { image, device, mountPoint, unmountAll } = mountedDrive('root-mounted.img');
      const archive = path.join(home, 'certificates-omni_root-cam.zip');
      writeFileSync(archive, realisticArchive(), { mode: 0o644 });
      try {
        const written = runBin(['write', archive, device, '--unmount', '--yes', '--json']);
        expect(written.status, written.stdout + written.stderr).toBe(0);
        expect(tool('findmnt', [mountPoint]).status).not.toBe(0);
        expect(fsckFat(image, MiB, 1100 * MiB - MiB).status).toBe(0);
      } finally {
        unmountAll();
      }
    });

    it('ejects (releases) a loop device: detached, with no sudo; a mounted one only with --unmount', () => {
      const image = sparseImage(dir, 'cli-eject.img', 64 * MiB);
      const device = loop(image);
      const ejected = cli('eject', device);
      expect(ejected.status, JSON.stringify(ejected.doc) + ejected.stderr).toBe(0);
      expect(ejected.doc).toMatchObject({ ok: true, target: device, ejected: true, detail: expect.stringContaining('detached') as unknown });
      expect(mustRun('losetup', ['-j', image]).trim()).toBe('');
      forget(device);

      const mounted = mountedDrive('cli-eject-mounted.img');
      try {
        const refused = cli('eject', mounted.device);
        expect(refused.status).toBe(2);
        expect(refused.doc).toMatchObject({ ok: false, error: { code: 'DRIVE_INELIGIBLE', message: expect.stringContaining(mounted.mountPoint) as unknown, nextStep: expect.stringContaining('--unmount') as unknown } });
        expect(tool('findmnt', [mounted.mountPoint]).status).toBe(0);
        expect(mustRun('losetup', ['-j', mounted.image]).trim()).not.toBe('');

        const released = cli('eject', mounted.device, '--unmount');
        expect(released.status, JSON.stringify(released.doc) + released.stderr).toBe(0);
        expect(released.doc).toMatchObject({ ok: true, ejected: true, unmounted: [mounted.mountPoint] });
        expect(tool('findmnt', [mounted.mountPoint]).status).not.toBe(0);
        expect(mustRun('losetup', ['-j', mounted.image]).trim()).toBe('');
        forget(mounted.device);
      } finally {
        mounted.unmountAll();
      }
    });

    /**
     * The CLI as the user on a pseudo-terminal (`script`), with no desktop agent: `answer` sees
     * what was drawn so far and may type on the terminal; resolves with the exit status and drawing.
     */
    const onTerminal = (args: readonly string[], answer: (drawn: string, type: (text: string) => void) => void): Promise<{ status: number | null; drawn: string }> => {
      const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
      const env = [`PATH=${process.env['PATH'] ?? '/usr/bin:/bin'}`, `PANORAMA_USB_DATA_DIR=${path.join(home, 'data')}`, 'TERM=xterm'];
      // Nothing may stand between the terminal and the CLI that dies of the terminal's Ctrl+C
      // (status 130, whatever the CLI returned): `script` runs the command with $SHELL -c, and
      // dash (CI's /bin/sh) waits in a child that the signal kills, so the shell is replaced
      // (exec); runuser's watching parent re-raises it too, so setpriv, which leaves none.
      const command = ['exec', 'setpriv', '--reuid', TEST_USER, '--regid', TEST_USER, '--init-groups', 'env', '-i', ...env, process.execPath, path.resolve('bin/panorama-usb.cjs'), ...args].map(quote).join(' ');
      const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
      let drawn = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        drawn += chunk;
        answer(drawn, (text) => child.stdin.write(text));
      });
      // Well within the test's time: a hang then fails on its assertion, with what was drawn.
      const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (status) => {
          clearTimeout(timer);
          resolve({ status, drawn });
        });
      });
    };

    /** The terminals of polkit's text agents (pkttyagent) now running. */
    const agentTerminals = (): string[] =>
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .flatMap((pid) => {
          try {
            if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'pkttyagent') return [];
            // Its stdin is /dev/null (core/access/terminal-agent.ts); its stderr is the terminal.
            const terminal = readlinkSync(`/proc/${pid}/fd/2`);
            return terminal.startsWith('/dev/pts/') ? [terminal] : [];
          } catch {
            return [];
          }
        });
    /** Resolves once a text agent's terminal has echo off (it is reading the password), polling its state. */
    const agentEchoOff = async (): Promise<void> => {
      for (let attempt = 0; attempt < 1000; attempt += 1) {
        if (agentTerminals().some((terminal) => / -echo /.test(` ${tool('stty', ['-F', terminal, '-a']).stdout.replace(/[;\n]/g, ' ')} `))) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('no polkit text agent turned echo off');
    };

    it("on a terminal with no desktop, polkit's text agent asks for the user's password there: typed once, the drive is written; Ctrl+C at the prompt is cancelled (exit 3), nothing written; with no terminal, AUTHORIZATION_DENIED", { timeout: 150_000 }, async () => {
      const password = 'Panorama-Usb-Test-7';
      await desktop.requirePassword(password);
      try {
        const archive = path.join(home, 'certificates-omni_tty-cam.zip');
        const bytes = realisticArchive();
        writeFileSync(archive, bytes, { mode: 0o644 });

        const image = sparseImage(dir, 'cli-tty.img', 1100 * MiB);
        const device = loop(image);
        const untouched = await fileSha256(image);
        // No terminal: nobody can be asked.
        const script = cli('write', archive, device);
        expect(script.status).toBe(2);
        expect(script.doc).toMatchObject({ ok: false, error: { code: 'AUTHORIZATION_DENIED', nextStep: expect.stringContaining('terminal') as unknown } });
        expect(await fileSha256(image)).toBe(untouched);

        // Ctrl+C at the password prompt: the request is dismissed, nothing written.
        let interrupted = false;
        const dismissed = await onTerminal(['write', archive, device, '--yes'], (drawn, type) => {
          if (interrupted || !/Password:/.test(drawn)) return;
          interrupted = true;
          type('\x03');
        });
        expect(interrupted, dismissed.drawn).toBe(true);
        expect(dismissed.status, dismissed.drawn).toBe(3);
        expect(await fileSha256(image)).toBe(untouched);

        // Every prompt answered; the rule keeps the answer for the process, so there is one. The
        // agent draws its prompt, then turns echo off with TCSAFLUSH, which throws away whatever
        // was typed before: a person types after that, and so does this test (a slow machine
        // would otherwise lose the password to the flush and wait forever).
        let typed = 0;
        const written = await onTerminal(['write', archive, device, '--yes'], (drawn, type) => {
          if (drawn.split('Password:').length - 1 <= typed) return;
          typed += 1;
          void agentEchoOff().then(() => type(`${password}\r`));
        });
        expect(written.status, written.drawn).toBe(0);
        expect(typed, written.drawn).toBe(1);
        // The password went to polkit's agent, and no further: the terminal never echoed it.
        expect(written.drawn).not.toContain(password);
        expect(fsckFat(image, MiB, 1100 * MiB - MiB).status).toBe(0);
        const copy = execFileSync('mcopy', ['-n', '-i', mtoolsImage(image, MiB), '::/certificates-omni_tty-cam.zip', '-'], { env: { ...process.env, ...MTOOLS_ENV } });
        expect(sha256(copy)).toBe(sha256(bytes));
      } finally {
        await desktop.allowLoopDevices();
      }
    });

    it('the system disk is refused by the eligibility rules, before anything is asked of UDisks2', () => {
      const listed = parseSingleJson(mustRun(process.execPath, [path.resolve('bin/panorama-usb.cjs'), 'drives', '--all', '--json'])) as { drives: { drive: { path: string }; refusals: { code: string }[] }[] };
      const system = listed.drives.find((assessment) => assessment.refusals.some((refusal) => refusal.code === 'SYSTEM_DRIVE'));
      if (system === undefined) return;
      const archive = path.join(home, 'certificates-omni_system-cam.zip');
      writeFileSync(archive, realisticArchive(), { mode: 0o644 });
      const refused = cli('write', archive, system.drive.path);
      expect(refused.status).toBe(2);
      // The rule would deny it too, with AUTHORIZATION_DENIED: this code says the rules came first.
      expect(refused.doc).toMatchObject({ ok: false, error: { code: 'DRIVE_INELIGIBLE' } });
    });
  });

  // Last: the bus stays stopped (stop() stops the rest).
  it('with the system bus stopped: DRIVE_ACCESS_UNAVAILABLE at once, unchanged', async () => {
    const image = sparseImage(dir, 'no-bus.img', 64 * MiB);
    const device = loop(image);
    await desktop.stopBus();
    const before = await fileSha256(image);
    expect(ask('write-marker', device, '0', 'MUST-NOT-APPEAR')).toMatchObject({ ok: false, code: 'DRIVE_ACCESS_UNAVAILABLE', outcome: 'refused' });
    expect(await fileSha256(image)).toBe(before);
  });
});
