/**
 * The audit log: a hash chain that verifies when untouched and breaks at the right line when a
 * line is edited, removed, moved or cut short; appends that chain under concurrency and across
 * reopenings; secrets refused with the file left byte-identical; exports that never overwrite.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../main/core/app';
import { AuditLog, GENESIS_HASH, hashEntry, type AuditEntry } from '../../main/core/audit';
import { parseSingleJson, type CliRun } from '../support/cli';
import { expectRefusal, refusal } from '../support/refusal';

const root = mkdtempSync(path.join(tmpdir(), 'panorama-usb-audit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshDir(): string {
  counter += 1;
  const dir = path.join(root, `log-${counter}`);
  mkdirSync(dir);
  return dir;
}

/** A log of five entries, as lines (each without its newline). */
async function fiveEntryLog(): Promise<{ log: AuditLog; lines: string[] }> {
  const log = AuditLog.open(freshDir());
  await log.append('inspect', 'succeeded', { archive: '/home/tech/Downloads/certificates-omni_lobby-cam-01.zip', sha256: 'a'.repeat(64), size: 4210 });
  await log.append('write', 'succeeded', { drive: '/dev/sdb', model: 'SanDisk Ultra', serial: '4C530001', size: 32_000_000_000 });
  await log.append('registration', 'info', { deviceId: 'device-abc123', status: 'AWAITING_PROVISIONING' });
  await log.append('shred', 'failed', { path: '/home/tech/Downloads/certificates-omni_lobby-cam-01.zip', error: 'SHRED_FAILED' });
  await log.append('sanitize', 'succeeded', { drive: '/dev/sdb', method: 'random-zero', verified: true, witness: null });
  return { log, lines: readFileSync(log.path, 'utf8').trimEnd().split('\n') };
}

function rewrite(log: AuditLog, lines: string[], ending = '\n'): void {
  writeFileSync(log.path, `${lines.join('\n')}${ending}`);
}

describe('AuditLog chain', () => {
  it('appends entries that link to each other and verify', async () => {
    const { log, lines } = await fiveEntryLog();
    const entries = await log.read();
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]?.prevHash).toBe(GENESIS_HASH);
    for (const [index, entry] of entries.entries()) {
      expect(entry.hash).toBe(hashEntry(entry));
      if (index > 0) expect(entry.prevHash).toBe(entries[index - 1]?.hash);
      expect(Date.parse(entry.time)).not.toBeNaN();
    }
    // The hash is over the canonical JSON: the same entry built in another key order hashes the same.
    const first = entries[0] as AuditEntry;
    const reordered = { subject: { size: 4210, sha256: 'a'.repeat(64), archive: first.subject['archive'] ?? null }, prevHash: first.prevHash, outcome: first.outcome, action: first.action, time: first.time, seq: first.seq };
    expect(hashEntry(reordered)).toBe(first.hash);
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ seq: 2, action: 'write', outcome: 'succeeded', subject: { model: 'SanDisk Ultra' } });
    await expect(log.verify()).resolves.toEqual({ ok: true, entries: 5, brokenAt: null, reason: null });
    if (process.platform !== 'win32') expect(statSync(log.path).mode & 0o777).toBe(0o600);
  });

  it('an empty or missing log verifies with no entries', async () => {
    const log = AuditLog.open(path.join(root, 'not-yet', 'nested'));
    expect(existsSync(path.dirname(log.path))).toBe(true);
    expect(existsSync(log.path)).toBe(false);
    await expect(log.read()).resolves.toEqual([]);
    await expect(log.verify()).resolves.toEqual({ ok: true, entries: 0, brokenAt: null, reason: null });
  });

  it('detects an edited field in a middle line', async () => {
    const { log, lines } = await fiveEntryLog();
    lines[2] = (lines[2] ?? '').replace('AWAITING_PROVISIONING', 'SUCCEEDED');
    rewrite(log, lines);
    const verification = await log.verify();
    expect(verification).toMatchObject({ ok: false, entries: 2, brokenAt: 3 });
    expect(verification.reason).toMatch(/line 3 was edited/);
  });

  it('detects an edit whose hash was recomputed, at the next line', async () => {
    const { log, lines } = await fiveEntryLog();
    const edited = JSON.parse(lines[2] ?? '') as AuditEntry;
    const forged = { ...edited, subject: { ...edited.subject, status: 'SUCCEEDED' } };
    lines[2] = JSON.stringify({ ...forged, hash: hashEntry(forged) });
    rewrite(log, lines);
    const verification = await log.verify();
    expect(verification).toMatchObject({ ok: false, entries: 3, brokenAt: 4 });
    expect(verification.reason).toMatch(/prevHash/);
  });

  it('detects a removed line', async () => {
    const { log, lines } = await fiveEntryLog();
    lines.splice(2, 1);
    rewrite(log, lines);
    const verification = await log.verify();
    expect(verification).toMatchObject({ ok: false, entries: 2, brokenAt: 3 });
    expect(verification.reason).toMatch(/seq 4 where 3 was expected/);
  });

  it('detects two swapped lines', async () => {
    const { log, lines } = await fiveEntryLog();
    [lines[1], lines[2]] = [lines[2] ?? '', lines[1] ?? ''];
    rewrite(log, lines);
    await expect(log.verify()).resolves.toMatchObject({ ok: false, entries: 1, brokenAt: 2 });
  });

  it('detects a truncated last line', async () => {
    const { log, lines } = await fiveEntryLog();
    const last = lines[4] ?? '';
    lines[4] = last.slice(0, Math.floor(last.length / 2));
    rewrite(log, lines, '');
    const verification = await log.verify();
    expect(verification).toMatchObject({ ok: false, entries: 4, brokenAt: 5 });
    expect(verification.reason).toMatch(/truncated/);
  });

  it('detects malformed and foreign lines', async () => {
    const { log, lines } = await fiveEntryLog();
    rewrite(log, [lines[0] ?? '', 'not json at all', ...lines.slice(2)]);
    await expect(log.verify()).resolves.toMatchObject({ ok: false, brokenAt: 2, reason: 'line 2 is not JSON' });
    // An extra field would not be covered by the hash: it is tampering too.
    const extra = { ...(JSON.parse(lines[1] ?? '') as AuditEntry), note: 'added later' };
    rewrite(log, [lines[0] ?? '', JSON.stringify(extra), ...lines.slice(2)]);
    await expect(log.verify()).resolves.toMatchObject({ ok: false, brokenAt: 2 });
    rewrite(log, [lines[0] ?? '', '', ...lines.slice(1)]);
    await expect(log.verify()).resolves.toMatchObject({ ok: false, brokenAt: 2, reason: 'line 2 is empty' });
  });

  it('chains 50 concurrent appends in order', async () => {
    const log = AuditLog.open(freshDir());
    const appended = await Promise.all(Array.from({ length: 50 }, (_, index) => log.append('scan', 'info', { index })));
    expect(appended.map((entry) => entry.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    await expect(log.verify()).resolves.toEqual({ ok: true, entries: 50, brokenAt: null, reason: null });
    expect((await log.read()).map((entry) => entry.seq)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
  });

  it('chains appends from four processes at once (the app and CLIs in other terminals), and takes over a dead process\'s lock', async () => {
    const dir = freshDir();
    // A small program around the real AuditLog, bundled by esbuild: each process appends 30 entries as fast as it can.
    const program = path.join(dir, 'append.cjs');
    buildSync({
      stdin: { contents: `import { AuditLog } from ${JSON.stringify(path.resolve('main/core/audit'))};\nvoid (async () => { const log = AuditLog.open(process.argv[2]); for (let i = 0; i < 30; i += 1) await log.append('scan', 'info', { pid: process.pid, i }); })();`, resolveDir: process.cwd(), loader: 'ts' },
      bundle: true, platform: 'node', format: 'cjs', packages: 'external', outfile: program, logLevel: 'silent',
    });
    const env = { ...process.env, NODE_PATH: path.resolve('node_modules') };
    const runs = await Promise.all(Array.from({ length: 4 }, () => new Promise<number | null>((resolve) => {
      execFile(process.execPath, [program, dir], { env }, (error) => resolve(error === null ? 0 : (error.code === undefined ? null : Number(error.code))));
    })));
    expect(runs).toEqual([0, 0, 0, 0]);
    const log = AuditLog.open(dir);
    await expect(log.verify()).resolves.toEqual({ ok: true, entries: 120, brokenAt: null, reason: null });
    expect(existsSync(`${log.path}.lock`)).toBe(false);

    // A process killed while it held the lock leaves its folder behind; once stale, the next append takes it over.
    mkdirSync(`${log.path}.lock`);
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(`${log.path}.lock`, longAgo, longAgo);
    await expect(log.append('scan', 'info', { after: 'stale lock' })).resolves.toMatchObject({ seq: 121 });
    await expect(log.verify()).resolves.toMatchObject({ ok: true, entries: 121 });
    expect(existsSync(`${log.path}.lock`)).toBe(false);
  }, 60_000);

  // Only a lock held elsewhere is waited for (~20 s at most): this ENOENT comes back at once.
  it('says so when the log cannot even be locked (its folder gone), creating nothing', async () => {
    const dir = freshDir();
    const log = AuditLog.open(dir);
    rmSync(dir, { recursive: true });
    await expect(log.append('scan', 'info', { index: 1 })).rejects.toMatchObject({ code: 'AUDIT_LOCK_FAILED', outcome: 'failed' });
    expect(existsSync(dir)).toBe(false);
  });

  it('continues the chain after reopening, and after a line cut short by a power cut', async () => {
    const dir = freshDir();
    const first = AuditLog.open(dir);
    await first.append('inspect', 'succeeded', { sha256: 'b'.repeat(64) });
    await first.append('write', 'succeeded', { drive: '/dev/sdc' });
    const reopened = AuditLog.open(dir);
    const third = await reopened.append('sanitize', 'cancelled', { drive: '/dev/sdc' });
    expect(third.seq).toBe(3);
    expect(third.prevHash).toBe((await first.read())[1]?.hash);
    await expect(reopened.verify()).resolves.toMatchObject({ ok: true, entries: 3 });

    // A power cut mid-line: the next entry still gets a line of its own, and verify shows the cut.
    writeFileSync(reopened.path, '{"seq":4,"time":"2026-', { flag: 'a' });
    const after = await AuditLog.open(dir).append('journal', 'info', { sessionId: 'abc' });
    expect(after.seq).toBe(4);
    const lines = readFileSync(reopened.path, 'utf8').split('\n');
    expect(lines[3]).toBe('{"seq":4,"time":"2026-');
    expect(JSON.parse(lines[4] ?? '')).toMatchObject({ seq: 4, action: 'journal' });
    await expect(reopened.verify()).resolves.toMatchObject({ ok: false, entries: 3, brokenAt: 4, reason: 'line 4 is not JSON' });
  });

  it('reads the last line back even when it is longer than one read chunk', async () => {
    const log = AuditLog.open(freshDir());
    // 60 fields of 4000 characters: one line of about 240 KB, several of tail.ts's 64 KiB chunks.
    const subject = Object.fromEntries(Array.from({ length: 60 }, (_, index) => [`field${index}`, `x${'y'.repeat(3999)}`]));
    await log.append('scan', 'info', subject);
    await log.append('scan', 'info', subject);
    expect((await log.append('scan', 'info', { done: true })).seq).toBe(3);
    await expect(log.verify()).resolves.toMatchObject({ ok: true, entries: 3 });
  });
});

describe('AuditLog secrets', () => {
  const pem = ['-----BEGIN CERTIFICATE-----', 'MIIBszCCAVmgAwIBAgIUY2VydGlmaWNhdGU=', '-----END CERTIFICATE-----'].join('\n');
  const der = `MII${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo'.repeat(8)}`;
  const refusedSubjects: Record<string, Record<string, string | number | boolean | null>> = {
    'a privateKey field': { privateKey: 'whatever' },
    'a certificate field': { deviceCertificate: 'x' },
    'a pem field': { PEM: 'x' },
    'a secret field': { client_secret: 'x' },
    'a password field': { Password: 'x' },
    'a token field': { sessionToken: 'x' },
    'a credentials field': { awsCredentials: 'x' },
    'PEM armour in a value': { note: `copied: ${pem}` },
    'base64 DER in a value': { note: der },
    'a value over 4096 characters': { path: `/tmp/${'a'.repeat(4096)}` },
  };

  for (const [name, subject] of Object.entries(refusedSubjects)) {
    it(`refuses ${name}, writing nothing`, async () => {
      const { log } = await fiveEntryLog();
      const before = readFileSync(log.path);
      await expectRefusal(log.append('provision', 'succeeded', subject), { code: 'AUDIT_SECRET_REFUSED', outcome: 'refused' });
      expect(readFileSync(log.path).equals(before)).toBe(true);
      // The next append still chains on the untouched log.
      await expect(log.append('provision', 'succeeded', { deviceId: 'device-1' })).resolves.toMatchObject({ seq: 6 });
      await expect(log.verify()).resolves.toMatchObject({ ok: true, entries: 6 });
    });
  }

  it('never echoes the secret in the refusal, and refuses on a fresh log without creating the file', async () => {
    const log = AuditLog.open(freshDir());
    const error = await refusal(log.append('provision', 'succeeded', { note: pem }));
    expect(error).toMatchObject({ code: 'AUDIT_SECRET_REFUSED', outcome: 'refused' });
    expect(`${error.message} ${error.nextStep ?? ''}`).not.toContain('BEGIN');
    expect(existsSync(log.path)).toBe(false);
  });

  it('refuses subjects that are not flat records of primitives', async () => {
    const log = AuditLog.open(freshDir());
    const nested = { drive: { path: '/dev/sdb' } } as unknown as Record<string, string>;
    await expectRefusal(log.append('write', 'succeeded', nested), { code: 'AUDIT_SUBJECT_INVALID' });
    await expectRefusal(log.append('write', 'succeeded', { size: Number.NaN }), { code: 'AUDIT_SUBJECT_INVALID' });
    expect(existsSync(log.path)).toBe(false);
  });
});

describe('AuditLog export', () => {
  it('copies the log to a new file that verifies, and never overwrites', async () => {
    const { log } = await fiveEntryLog();
    const exportDir = freshDir();
    const destination = path.join(exportDir, 'audit.jsonl');
    const exported = await log.export(destination);
    expect(exported).toMatchObject({ path: destination, entries: 5, verification: { ok: true, entries: 5 } });
    const bytes = readFileSync(destination);
    expect(bytes.equals(readFileSync(log.path))).toBe(true);
    expect(exported.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    await expect(AuditLog.open(exportDir).verify()).resolves.toMatchObject({ ok: true, entries: 5 });

    writeFileSync(destination, 'keep me');
    await expectRefusal(log.export(destination), { code: 'EXPORT_EXISTS', outcome: 'refused' });
    expect(readFileSync(destination, 'utf8')).toBe('keep me');
    await expectRefusal(log.export(path.join(exportDir, 'missing', 'audit.jsonl')), { code: 'FOLDER_NOT_FOUND' });
  });
});

describe('defaultDataDir', () => {
  it('follows each platform, and PANORAMA_USB_DATA_DIR overrides it', () => {
    expect(defaultDataDir({ platform: 'linux', home: '/home/tech', env: {} })).toBe('/home/tech/.config/panorama-usb');
    expect(defaultDataDir({ platform: 'linux', home: '/home/tech', env: { XDG_CONFIG_HOME: '/srv/config' } })).toBe('/srv/config/panorama-usb');
    expect(defaultDataDir({ platform: 'linux', home: '/home/tech', env: { XDG_CONFIG_HOME: 'relative' } })).toBe('/home/tech/.config/panorama-usb');
    expect(defaultDataDir({ platform: 'darwin', home: '/Users/tech', env: {} })).toBe('/Users/tech/Library/Application Support/panorama-usb');
    expect(defaultDataDir({ platform: 'win32', home: 'C:\\Users\\tech', env: { APPDATA: 'C:\\Users\\tech\\AppData\\Roaming' } })).toBe('C:\\Users\\tech\\AppData\\Roaming\\panorama-usb');
    expect(defaultDataDir({ platform: 'linux', home: '/home/tech', env: { PANORAMA_USB_DATA_DIR: '/data/pusb', XDG_CONFIG_HOME: '/srv/config' } })).toBe('/data/pusb');
  });
});

describe('panorama-usb audit (the built bin)', () => {
  const bin = path.resolve('bin/panorama-usb.cjs');

  /** runBin, with the data folder given through the environment as a user's shell would. */
  function runAudit(dataDir: string, args: readonly string[]): CliRun {
    const result = spawnSync(process.execPath, [bin, 'audit', ...args], { encoding: 'utf8', input: '', timeout: 60_000, env: { ...process.env, PANORAMA_USB_DATA_DIR: dataDir } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('verifies a good log, lists it, and exports it', async () => {
    const { log } = await fiveEntryLog();
    const dataDir = path.dirname(log.path);
    const verified = runAudit(dataDir, ['--json', '--verify']);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(parseSingleJson(verified.stdout)).toEqual({ ok: true, log: log.path, verification: { ok: true, entries: 5, brokenAt: null, reason: null } });

    const listed = parseSingleJson(runAudit(dataDir, ['--json']).stdout) as { entries: AuditEntry[] };
    expect(listed.entries.map((entry) => entry.action)).toEqual(['inspect', 'write', 'registration', 'shred', 'sanitize']);
    expect(runAudit(dataDir, []).stdout).toMatch(/chain intact/);

    const destination = path.join(freshDir(), 'export.jsonl');
    const exported = runAudit(dataDir, ['--json', '--export', destination]);
    expect(exported.status).toBe(0);
    expect(parseSingleJson(exported.stdout)).toMatchObject({ ok: true, export: { path: destination, entries: 5 } });
    expect(parseSingleJson(runAudit(dataDir, ['--json', '--export', destination]).stdout)).toMatchObject({ ok: false, error: { code: 'EXPORT_EXISTS' } });
  });

  it('exits 1 with AUDIT_CHAIN_BROKEN on a tampered log', async () => {
    const { log, lines } = await fiveEntryLog();
    lines[1] = (lines[1] ?? '').replace('SanDisk Ultra', 'Kingston DataTraveler');
    rewrite(log, lines);
    const run = runAudit(path.dirname(log.path), ['--json', '--verify']);
    expect(run.status).toBe(1);
    const doc = parseSingleJson(run.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(doc).toMatchObject({ ok: false, error: { code: 'AUDIT_CHAIN_BROKEN' } });
    expect(doc.error.message).toContain('line 2');
  });

  it('refuses a --data-dir that does not exist', () => {
    const run = runAudit(root, ['--json', '--data-dir', path.join(root, 'no-such-folder')]);
    expect(run.status).toBe(2);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'FOLDER_NOT_FOUND' } });
  });
});
