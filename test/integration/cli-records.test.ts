/**
 * The command line leaves the same trail as the wizard: an audit entry for every command that
 * changes a drive or a file, and a write-ahead journal for write / provision / sanitize / shred,
 * so a CLI killed with SIGKILL mid-work leaves its drive and files on `pending` (and the app's
 * home screen) with the command that finishes each. A record that cannot be written never fails
 * the work it describes.
 *
 * Killing "mid-work" is made certain, not raced: the test holds the audit log's lock (the folder
 * proper-lockfile uses), so a CLI can do its work but never finish recording it — it is killed
 * at the phase it announced, before it could end.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realisticArchive } from '../support/archives';
import { parseSingleJson, runBin, runBinAsync, type AsyncCliRun } from '../support/cli';
import { GiB, imageDir, MiB, sparseImage } from '../support/images';
import { closeSimulatorsAfterEachTest, testSimulator } from '../support/simulator';
import { mtools, mtoolsImage } from '../support/tools';

const { dir, cleanup } = imageDir('cli-records');
afterAll(cleanup);
closeSimulatorsAfterEachTest();

let counter = 0;
/** A data folder of the test's own: its audit log and journal start empty. */
function freshDataDir(): string {
  counter += 1;
  return mkdtempSync(path.join(tmpdir(), `cli-records-data-${counter}-`));
}

interface PendingItem {
  kind: string;
  path: string | null;
  text: string;
  command: string | null;
}

interface AuditEntry {
  action: string;
  outcome: string;
  subject: Record<string, unknown>;
}

function run(dataDir: string, args: readonly string[]): ReturnType<typeof runBin> {
  return runBin(args, { env: { PANORAMA_USB_DATA_DIR: dataDir } });
}

function pending(dataDir: string): PendingItem[] {
  const listed = run(dataDir, ['pending', '--json']);
  expect(listed.status, listed.stdout + listed.stderr).toBe(0);
  return (parseSingleJson(listed.stdout) as { pending: PendingItem[] }).pending;
}

function audit(dataDir: string): { entries: AuditEntry[]; verification: { ok: boolean; entries: number } } {
  const shown = run(dataDir, ['audit', '--json']);
  expect(shown.status, shown.stdout + shown.stderr).toBe(0);
  return parseSingleJson(shown.stdout) as { entries: AuditEntry[]; verification: { ok: boolean; entries: number } };
}

/** Runs the command a pending item names, confirmed, and expects it to succeed. */
function finish(dataDir: string, item: PendingItem): void {
  expect(item.command).not.toBeNull();
  const [program, ...args] = (item.command ?? '').split(' ');
  expect(program).toBe('panorama-usb');
  const done = run(dataDir, [...args, '--yes', '--json']);
  expect(done.status, done.stdout + done.stderr).toBe(0);
}

/**
 * Runs the CLI with the data folder's audit log held by "another process", and kills it with
 * SIGKILL as soon as it says `phase` on stderr. The hold is kept fresh (proper-lockfile takes
 * over a lock untouched for 10 s), so the CLI cannot end by itself whatever the machine's speed.
 */
async function killAtPhase(dataDir: string, args: readonly string[], phase: string): Promise<AsyncCliRun> {
  const lock = path.join(dataDir, 'audit.jsonl.lock');
  mkdirSync(lock);
  const keepFresh = setInterval(() => utimesSync(lock, new Date(), new Date()), 1000);
  try {
    return await runBinAsync(args, {
      env: { PANORAMA_USB_DATA_DIR: dataDir },
      onStderr: (soFar: string, child: ChildProcess) => {
        if (soFar.includes(phase)) child.kill('SIGKILL');
      },
    });
  } finally {
    clearInterval(keepFresh);
    rmSync(lock, { recursive: true, force: true });
  }
}

function archiveFile(name: string): string {
  const file = path.join(dir, `certificates-omni_${name}.zip`);
  writeFileSync(file, realisticArchive());
  return file;
}

describe('the CLI keeps the audit log', () => {
  it('shred: `audit --verify` shows its entry and an intact chain; nothing is left pending', () => {
    const dataDir = freshDataDir();
    const file = archiveFile('shred-cam');
    const shredded = run(dataDir, ['shred', file, '--yes', '--json']);
    expect(shredded.status, shredded.stdout + shredded.stderr).toBe(0);
    expect(existsSync(file)).toBe(false);

    const verified = run(dataDir, ['audit', '--verify']);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('verifies: 1 entry, chain intact');
    const shown = run(dataDir, ['audit']);
    expect(shown.stdout).toMatch(new RegExp(`shred succeeded\\s+path=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} guaranteed=(true|false)`));
    expect(pending(dataDir)).toEqual([]);
  });

  it('format and collect-logs record what they did, with hashes and paths only', () => {
    const dataDir = freshDataDir();
    const image = sparseImage(dir, 'format.img', GiB);
    expect(run(dataDir, ['format', image, '--label', 'FIELDKIT', '--yes', '--json']).status).toBe(0);
    const bundle = path.join(dir, 'bundle.zip');
    const collected = run(dataDir, ['collect-logs', image, '--out', bundle, '--json']);
    // A freshly formatted drive holds no logs: refused, and recorded as such.
    expect(collected.status).toBe(2);
    const { entries, verification } = audit(dataDir);
    expect(verification).toMatchObject({ ok: true, entries: 2 });
    expect(entries.map((entry) => [entry.action, entry.outcome])).toEqual([
      ['format', 'succeeded'],
      ['collect-logs', 'refused'],
    ]);
    expect(entries[0]?.subject).toMatchObject({ drive: image, label: 'FIELDKIT', size: GiB, fatType: 'FAT32' });
    expect(entries[1]?.subject).toMatchObject({ drive: image, error: expect.any(String) as unknown });
  });

  it('a record that cannot be written never fails the work: the file is shredded, the problem said on stderr and in the JSON', () => {
    // The data folder's path is taken by a file: no audit log or journal can be made there.
    const blocked = path.join(dir, 'not-a-folder');
    writeFileSync(blocked, 'x');
    const file = archiveFile('unrecorded-cam');
    const shredded = runBin(['shred', file, '--yes', '--json'], { env: { PANORAMA_USB_DATA_DIR: blocked } });
    expect(shredded.status, shredded.stdout + shredded.stderr).toBe(0);
    expect(existsSync(file)).toBe(false);
    const doc = parseSingleJson(shredded.stdout) as { ok: boolean; recordProblems: string[] };
    expect(doc.ok).toBe(true);
    expect(doc.recordProblems.join('\n')).toMatch(/journal: .*DATA_DIR_UNWRITABLE/);
    expect(doc.recordProblems.join('\n')).toMatch(/audit log: the shred entry could not be written \(DATA_DIR_UNWRITABLE/);
    expect(shredded.stderr).toContain('warning: audit log: the shred entry could not be written');
  });
});

describe('a killed CLI leaves its work on `pending`', () => {
  it('a write killed right after its first write (the format) is listed with the commands that finish it; running them empties the list', { timeout: 120_000 }, async () => {
    const dataDir = freshDataDir();
    const image = sparseImage(dir, 'killed-write.img', GiB);
    const archive = archiveFile('killed-cam');
    const killed = await killAtPhase(dataDir, ['write', archive, image, '--yes'], 'Writing the archive to the root of the volume');
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    // It was killed after formatting: the drive holds a fresh volume (the archive may or may not have reached it).
    expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('Volume label is PANORAMA');
    // It never got to record how the write ended.
    expect(audit(dataDir).entries).toEqual([]);

    const items = pending(dataDir);
    expect(items.map((item) => [item.kind, item.path, item.command])).toEqual([
      ['drive-holds-archive', image, `panorama-usb sanitize ${image} --method zero`],
      ['local-copy-not-shredded', archive, `panorama-usb shred ${archive}`],
    ]);
    expect(items[0]?.text).toBe(`The drive ${image} still holds the archive of device killed-cam.`);
    const text = run(dataDir, ['pending']).stdout;
    expect(text).toContain('2 things were left unfinished');
    expect(text).toContain(`finish: panorama-usb sanitize ${image} --method zero`);

    for (const item of items) finish(dataDir, item);
    expect(pending(dataDir)).toEqual([]);
    expect(existsSync(archive)).toBe(false);
    const { entries, verification } = audit(dataDir);
    expect(verification.ok).toBe(true);
    expect(entries.map((entry) => [entry.action, entry.outcome, entry.subject['nistLevel'] ?? null])).toEqual([
      ['sanitize', 'succeeded', 'Clear'],
      ['shred', 'succeeded', null],
    ]);
  });

  it('a sanitize killed mid-wipe says the drive is NOT sanitized; the same wipe finishes it', { timeout: 120_000 }, async () => {
    const dataDir = freshDataDir();
    const image = sparseImage(dir, 'killed-wipe.img', 256 * MiB);
    const killed = await killAtPhase(dataDir, ['sanitize', image, '--method', 'random', '--verify', 'all', '--yes'], ': pass 1/1: random');
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const items = pending(dataDir);
    expect(items.map((item) => [item.kind, item.path, item.command])).toEqual([['wipe-interrupted', image, `panorama-usb sanitize ${image} --method random --verify all`]]);
    expect(items[0]?.text).toContain('it is NOT sanitized');
    finish(dataDir, items[0] as PendingItem);
    expect(pending(dataDir)).toEqual([]);
  });

  it('provision and monitor against the simulator: the same entries as the wizard; a quick erase does not clear the drive, a full one does', { timeout: 120_000 }, async () => {
    const dataDir = freshDataDir();
    const simulator = await testSimulator();
    const image = sparseImage(dir, 'provisioned.img', GiB);
    const env = { PANORAMA_USB_DATA_DIR: dataDir };
    const provisioned = await runBinAsync(['provision', '--name', 'records-cam', '--target', image, '--endpoint', simulator.endpoint, '--yes', '--json'], { env });
    expect(provisioned.status, provisioned.stdout + provisioned.stderr).toBe(0);
    const deviceId = (parseSingleJson(provisioned.stdout) as { device: { deviceId: string } }).device.deviceId;

    const appliance = await runBinAsync(['appliance', '--drive', image, '--endpoint', simulator.endpoint, '--json'], { env });
    expect(appliance.status, appliance.stdout + appliance.stderr).toBe(0);
    // Text output: the timeline in the words the wizard shows (one table), the API's values beside them.
    const monitored = await runBinAsync(['monitor', '--device-id', deviceId, '--endpoint', simulator.endpoint], { env });
    expect(monitored.status, monitored.stdout + monitored.stderr).toBe(0);
    expect(monitored.stderr).toMatch(/Registered and online {2}\(SUCCEEDED \/ ONLINE\)/);

    const { entries } = audit(dataDir);
    expect(entries.map((entry) => [entry.action, entry.outcome])).toEqual([
      ['provision', 'succeeded'],
      ['registration', 'succeeded'],
    ]);
    expect(entries[0]?.subject).toMatchObject({ deviceName: 'records-cam', drive: image, deviceId, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect(JSON.stringify(entries)).not.toContain('BEGIN');

    // Registered: what is left is the drive, which still holds the device's archive.
    expect(pending(dataDir).map((item) => [item.kind, item.text])).toEqual([['drive-holds-archive', `The drive ${image} still holds the archive of device records-cam.`]]);
    expect(run(dataDir, ['sanitize', image, '--method', 'quick', '--yes', '--json']).status).toBe(0);
    expect(pending(dataDir).map((item) => item.kind)).toEqual(['drive-holds-archive']);
    finish(dataDir, pending(dataDir)[0] as PendingItem);
    expect(pending(dataDir)).toEqual([]);
  });
});
