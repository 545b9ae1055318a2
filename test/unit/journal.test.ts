/**
 * The provisioning journal: sessions round-trip, survive a crash (a fresh Journal on the same
 * folder sees what the last one left unfinished), are written atomically, are never crashed on
 * when damaged, and never hold key material.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal, type JournalSession } from '../../main/core/journal';
import { expectRefusal } from '../support/refusal';

const root = mkdtempSync(path.join(tmpdir(), 'panorama-usb-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshDataDir(): string {
  counter += 1;
  const dir = path.join(root, `data-${counter}`);
  mkdirSync(dir);
  return dir;
}

const ARCHIVE = { fileName: 'certificates-omni_lobby-cam-01.zip', sha256: 'c'.repeat(64), size: 4210 };
const DRIVE = { path: '/dev/sdb', model: 'SanDisk Ultra', serial: '4C530001', size: 32_000_000_000 };
const DOWNLOAD = '/home/tech/Downloads/certificates-omni_lobby-cam-01.zip';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';

/** A session as it stands after an import and a write, while registration is being watched. */
async function midSession(journal: Journal): Promise<JournalSession> {
  const session = await journal.begin({ source: 'import', deviceName: 'lobby-cam-01', archive: ARCHIVE, localCopies: [{ path: DOWNLOAD, shredded: false }] });
  await journal.update(session.id, { drive: DRIVE, driveHoldsArchive: true });
  return journal.update(session.id, { deviceId: 'device-7f3a', registration: 'in-progress' });
}

describe('Journal sessions', () => {
  it('begin, update, get, list and finish round-trip', async () => {
    const journal = Journal.open(freshDataDir());
    const begun = await journal.begin({ source: 'create', deviceName: 'dock-cam-02' });
    expect(begun).toMatchObject({
      source: 'create',
      deviceName: 'dock-cam-02',
      deviceId: null,
      archive: null,
      localCopies: [],
      drive: null,
      driveHoldsArchive: false,
      registration: 'not-started',
      driveSanitized: false,
      finished: false,
    });
    expect(begun.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(begun.updatedAt).toBe(begun.startedAt);

    const updated = await journal.update(begun.id, { drive: DRIVE, driveHoldsArchive: true, deviceId: 'device-1', deviceName: undefined });
    expect(updated).toMatchObject({ id: begun.id, startedAt: begun.startedAt, deviceName: 'dock-cam-02', deviceId: 'device-1', drive: DRIVE, driveHoldsArchive: true });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(begun.updatedAt));
    await expect(journal.get(begun.id)).resolves.toEqual(updated);

    const other = await journal.begin({});
    // Oldest first; two sessions begun in the same millisecond may come in either order.
    expect((await journal.list()).map((session) => session.id).sort()).toEqual([begun.id, other.id].sort());

    const finished = await journal.finish(begun.id);
    expect(finished.finished).toBe(true);
    await expect(journal.get(begun.id)).resolves.toMatchObject({ finished: true, drive: DRIVE });
    await expect(journal.get('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
  });

  it('refuses unknown ids, ids that are not file names, and invalid values', async () => {
    const journal = Journal.open(freshDataDir());
    const session = await journal.begin({});
    await expectRefusal(journal.update('00000000-0000-4000-8000-000000000000', { finished: true }), { code: 'JOURNAL_SESSION_NOT_FOUND', outcome: 'refused' });
    await expectRefusal(journal.update('../../etc/passwd', { finished: true }), { code: 'JOURNAL_SESSION_NOT_FOUND' });
    await expectRefusal(journal.finish('nope'), { code: 'JOURNAL_SESSION_NOT_FOUND' });
    await expect(journal.get('../escape')).resolves.toBeNull();
    const bad = { registration: 'maybe' } as unknown as Partial<JournalSession>;
    await expectRefusal(journal.update(session.id, bad), { code: 'JOURNAL_SESSION_INVALID' });
    await expectRefusal(journal.update(session.id, { archive: { ...ARCHIVE, sha256: 'not a hash' } }), { code: 'JOURNAL_SESSION_INVALID' });
    await expect(journal.get(session.id)).resolves.toEqual(session);
  });

  it('keeps both of two concurrent updates', async () => {
    const journal = Journal.open(freshDataDir());
    const session = await journal.begin({});
    await Promise.all([journal.update(session.id, { deviceName: 'lobby-cam-01' }), journal.update(session.id, { deviceId: 'device-9' }), journal.update(session.id, { driveSanitized: true })]);
    await expect(journal.get(session.id)).resolves.toMatchObject({ deviceName: 'lobby-cam-01', deviceId: 'device-9', driveSanitized: true });
  });
});

describe('Journal.pending', () => {
  it('says what an unfinished session left behind, one sentence per item', async () => {
    const journal = Journal.open(freshDataDir());
    const session = await midSession(journal);
    const items = await journal.pending();
    const base = { sessionId: session.id, deviceId: 'device-7f3a', deviceName: 'lobby-cam-01' };
    expect(items).toEqual([
      { ...base, kind: 'drive-holds-archive', text: 'The drive SanDisk Ultra (/dev/sdb) still holds the archive of device lobby-cam-01.', path: '/dev/sdb', command: 'panorama-usb sanitize /dev/sdb --method zero' },
      { ...base, kind: 'local-copy-not-shredded', text: `The local copy at ${DOWNLOAD} was not shredded.`, path: DOWNLOAD, command: `panorama-usb shred ${DOWNLOAD}` },
      { ...base, kind: 'registration-unknown', text: 'The registration of device lobby-cam-01 (device-7f3a) was still in progress; its result is unknown.', path: null, command: 'panorama-usb monitor --device-id device-7f3a' },
    ]);

    // Each item goes away as the work is done, and a finished session has none.
    await journal.update(session.id, { registration: 'registered', localCopies: [{ path: DOWNLOAD, shredded: true }] });
    expect((await journal.pending()).map((item) => item.kind)).toEqual(['drive-holds-archive']);
    await journal.update(session.id, { driveHoldsArchive: false, driveSanitized: true });
    await expect(journal.pending()).resolves.toEqual([]);
    await journal.update(session.id, { driveHoldsArchive: true });
    await journal.finish(session.id);
    await expect(journal.pending()).resolves.toEqual([]);
  });

  it('a wipe begun and never ended: the drive is NOT sanitized, finished by the same wipe; commands quote what a shell would split', async () => {
    const journal = Journal.open(freshDataDir());
    const odd = "/home/tech/My Downloads/it's certificates-omni_x.zip";
    const session = await journal.begin({ origin: 'cli', drive: DRIVE, driveHoldsArchive: true, wiping: { method: 'random-zero', verify: 'all' }, localCopies: [{ path: odd, shredded: false }], deviceId: 'device-9', registration: 'in-progress', endpoint: 'http://127.0.0.1:4567' });
    expect((await journal.pending()).map((item) => [item.kind, item.text, item.command])).toEqual([
      ['wipe-interrupted', 'The drive SanDisk Ultra (/dev/sdb) was being sanitized (random-zero) when the work stopped: it is NOT sanitized and may still hold data.', 'panorama-usb sanitize /dev/sdb --method random-zero --verify all'],
      ['local-copy-not-shredded', `The local copy at ${odd} was not shredded.`, `panorama-usb shred '/home/tech/My Downloads/it'\\''s certificates-omni_x.zip'`],
      ['registration-unknown', 'The registration of device device-9 was still in progress; its result is unknown.', 'panorama-usb monitor --device-id device-9 --endpoint http://127.0.0.1:4567'],
    ]);
    // The wipe ended and the drive was overwritten whole: nothing of the drive is left to do.
    await journal.update(session.id, { wiping: null, driveSanitized: true });
    expect((await journal.pending()).map((item) => item.kind)).toEqual(['local-copy-not-shredded', 'registration-unknown']);
    // Without a device id, only a person can find the registration again.
    await journal.update(session.id, { deviceId: null, deviceName: 'dock-cam' });
    expect((await journal.pending()).at(-1)).toMatchObject({ kind: 'registration-unknown', command: null });
  });

  it('names what it can when the drive model or the device name was not recorded', async () => {
    const journal = Journal.open(freshDataDir());
    await journal.begin({ archive: ARCHIVE, drive: { ...DRIVE, model: null }, driveHoldsArchive: true, registration: 'in-progress' });
    expect((await journal.pending()).map((item) => item.text)).toEqual([
      'The drive /dev/sdb still holds the archive certificates-omni_lobby-cam-01.zip.',
      'A registration was still in progress; its result is unknown.',
    ]);
  });

  it('names the drive as the wizard did when it recorded a name, the path staying in the item and its command', async () => {
    const journal = Journal.open(freshDataDir());
    await journal.begin({ archive: ARCHIVE, drive: { ...DRIVE, name: 'SanDisk Ultra 31 GB (sdb)' }, driveHoldsArchive: true });
    expect(await journal.pending()).toEqual([expect.objectContaining({ text: 'SanDisk Ultra 31 GB (sdb) still holds the archive certificates-omni_lobby-cam-01.zip.', path: '/dev/sdb', command: 'panorama-usb sanitize /dev/sdb --method zero' })]);
  });

  it('after a crash, a fresh Journal on the same folder shows the unfinished session', async () => {
    const dataDir = freshDataDir();
    const session = await midSession(Journal.open(dataDir));
    // The first Journal is never finished or closed: as if the process had been killed here.
    const afterRestart = Journal.open(dataDir);
    const items = await afterRestart.pending();
    expect(items.map((item) => [item.sessionId, item.kind])).toEqual([
      [session.id, 'drive-holds-archive'],
      [session.id, 'local-copy-not-shredded'],
      [session.id, 'registration-unknown'],
    ]);
    await expect(afterRestart.get(session.id)).resolves.toEqual(session);
    // The restarted app can finish it.
    await afterRestart.finish(session.id);
    await expect(Journal.open(dataDir).pending()).resolves.toEqual([]);
  });

  it('reports corrupt and foreign journal files instead of throwing', async () => {
    const dataDir = freshDataDir();
    const journal = Journal.open(dataDir);
    const good = await midSession(journal);
    const dir = path.join(dataDir, 'journal');
    const cutShort = '11111111-1111-4111-8111-111111111111';
    const wrongShape = '22222222-2222-4222-8222-222222222222';
    const renamed = '33333333-3333-4333-8333-333333333333';
    writeFileSync(path.join(dir, `${cutShort}.json`), '{"version":1,"session":{"id":"1111');
    writeFileSync(path.join(dir, `${wrongShape}.json`), JSON.stringify({ version: 1, session: { id: wrongShape, finished: 'no' } }));
    writeFileSync(path.join(dir, `${renamed}.json`), readFileSync(path.join(dir, `${good.id}.json`)));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a session');

    const items = await journal.pending();
    const unreadable = items.filter((item) => item.kind === 'journal-unreadable');
    expect(unreadable.map((item) => item.sessionId).sort()).toEqual([cutShort, wrongShape, renamed].sort());
    expect(unreadable.find((item) => item.sessionId === cutShort)?.text).toBe(`The journal file ${path.join(dir, `${cutShort}.json`)} is not JSON (cut short or damaged); what that session left behind is unknown.`);
    expect(unreadable.find((item) => item.sessionId === wrongShape)?.path).toBe(path.join(dir, `${wrongShape}.json`));
    expect(items.filter((item) => item.sessionId === good.id)).toHaveLength(3);

    expect((await journal.list()).map((session) => session.id)).toEqual([good.id]);
    await expectRefusal(journal.get(cutShort), { code: 'JOURNAL_SESSION_UNREADABLE', outcome: 'failed' });
  });
});

describe('Journal storage', () => {
  it('writes atomically: only session files remain, owner-only, in a versioned format', async () => {
    const dataDir = freshDataDir();
    const journal = Journal.open(dataDir);
    const session = await journal.begin({});
    for (let step = 0; step < 20; step += 1) await journal.update(session.id, { deviceName: `device-${step}` });
    const dir = path.join(dataDir, 'journal');
    expect(readdirSync(dir)).toEqual([`${session.id}.json`]);
    const stored = JSON.parse(readFileSync(path.join(dir, `${session.id}.json`), 'utf8')) as { version: number; session: JournalSession };
    expect(stored).toMatchObject({ version: 1, session: { id: session.id, deviceName: 'device-19' } });
    if (process.platform !== 'win32') {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dir, `${session.id}.json`)).mode & 0o777).toBe(0o600);
    }
  });

  it('ignores a temporary file a crash left behind', async () => {
    const dataDir = freshDataDir();
    const journal = Journal.open(dataDir);
    const session = await journal.begin({ deviceName: 'lobby-cam-01' });
    writeFileSync(path.join(dataDir, 'journal', `.${session.id}.4242.abcdef.tmp`), '{"version":1,"sess');
    expect((await journal.list()).map((listed) => listed.id)).toEqual([session.id]);
    await expect(journal.pending()).resolves.toEqual([]);
  });
});

describe('Journal secrets', () => {
  it('refuses a patch holding key material, leaving the file byte-identical', async () => {
    const dataDir = freshDataDir();
    const journal = Journal.open(dataDir);
    const session = await midSession(journal);
    const file = path.join(dataDir, 'journal', `${session.id}.json`);
    const before = readFileSync(file);
    await expectRefusal(journal.update(session.id, { deviceName: PEM }), { code: 'JOURNAL_SECRET_REFUSED', outcome: 'refused' }, 'deviceName');
    await expectRefusal(journal.update(session.id, { localCopies: [{ path: `/tmp/${PEM}`, shredded: false }] }), { code: 'JOURNAL_SECRET_REFUSED' }, 'localCopies[0].path');
    await expectRefusal(journal.update(session.id, { drive: { ...DRIVE, serial: `-----BEGIN CERTIFICATE-----` } }), { code: 'JOURNAL_SECRET_REFUSED' });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses to begin a session holding key material, writing nothing', async () => {
    const dataDir = freshDataDir();
    const journal = Journal.open(dataDir);
    await expectRefusal(journal.begin({ archive: { ...ARCHIVE, fileName: PEM } }), { code: 'JOURNAL_SECRET_REFUSED' });
    expect(readdirSync(path.join(dataDir, 'journal'))).toEqual([]);
  });
});
