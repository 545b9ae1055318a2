/**
 * "Open", "Show in folder" and "Download" for certificates of sanitization, through the real
 * handler table: certificates written by real (quick) wipes of the Training world's image-file
 * drives are handed over, and only they: a file outside the folder chosen in the dialog, one the
 * app did not write, a `..` or symlink way out, a replaced file, and the preview asked to open
 * are each refused with nothing opened, shown or read. The shell is a recording stand-in for
 * Electron's `shell` (not our core); the preview's own dialogs answer for the preview.
 */
import { copyFileSync, mkdirSync, readFileSync, realpathSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch, type HandlerTable } from '../../main/ipc';
import { previewDialogs } from '../../main/preview/dialogs';
import { createCoreServices, type CoreServices, type ShellDialogs } from '../../main/services';
import { JobEndSchema, type JobEnd } from '../../preload/contract';
import { imageDir } from '../support/images';

const { dir, cleanup } = imageDir('bridge-certificates');
afterAll(cleanup);

/** What the shell stand-in was asked to do. */
const shellCalls: { action: 'open' | 'show'; file: string }[] = [];
/** The folder the stand-in's folder dialog answers with next. */
let dialogAnswer: string | null = null;
const recordingShell: ShellDialogs = {
  openArchive: () => Promise.resolve(null),
  chooseFolder: () => Promise.resolve(dialogAnswer),
  openPath: (file) => {
    shellCalls.push({ action: 'open', file });
    return Promise.resolve();
  },
  showInFolder: (file) => {
    shellCalls.push({ action: 'show', file });
    return Promise.resolve();
  },
};

function servicesFor(name: string, shell: 'electron' | 'preview'): { services: CoreServices; table: HandlerTable } {
  const dataDir = path.join(dir, name);
  const services = createCoreServices({ shell, trainingMode: true, trainingModeLocked: true, dataDir, trainingTimeScale: 0.05, dialogs: shell === 'preview' ? previewDialogs(dataDir) : recordingShell });
  afterAll(() => services.close());
  return { services, table: createHandlerTable(services) };
}

async function succeed(table: HandlerTable, channel: Parameters<typeof dispatch>[1], request: unknown): Promise<unknown> {
  const result = await dispatch(table, channel, request);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

interface Certificate {
  jsonPath: string;
  pdfPath: string;
  sha256: string;
}

/** A quick wipe of the Training world's old stick (256 MiB image file), certificates into `folder`. */
async function wipeWithCertificate(services: CoreServices, table: HandlerTable, folder: string): Promise<Certificate> {
  const listed = (await succeed(table, 'drives.list', { purpose: 'sanitize' })) as { drive: { path: string; size: number } }[];
  const smallest = listed.map((assessment) => assessment.drive).sort((a, b) => a.size - b.size)[0];
  if (smallest === undefined) throw new Error('no virtual drive to sanitize');
  let release: (end: JobEnd) => void = () => undefined;
  const ended = new Promise<JobEnd>((resolve) => (release = resolve));
  let jobId: string | null = null;
  const seen: JobEnd[] = [];
  const onEnded = (end: unknown): void => {
    const parsed = JobEndSchema.parse(end);
    seen.push(parsed);
    if (parsed.jobId === jobId) release(parsed);
  };
  services.jobs.events.on('ended', onEnded);
  try {
    jobId = ((await succeed(table, 'sanitize.start', { drivePaths: [smallest.path], method: 'quick', certificateFolder: folder })) as { jobId: string }).jobId;
    const early = seen.find((end) => end.jobId === jobId);
    if (early !== undefined) release(early);
    const end = await ended;
    if (end.outcome !== 'succeeded') throw new Error(`${end.error.code}: ${end.error.message}`);
    const certificate = (end.result as { results: { certificate: Certificate | null }[] }).results[0]?.certificate ?? null;
    if (certificate === null) throw new Error('the wipe wrote no certificate');
    return certificate;
  } finally {
    services.jobs.events.off('ended', onEnded);
  }
}

function decoded(value: unknown): Buffer {
  return Buffer.from((value as { base64: string }).base64, 'base64');
}

describe('certificate.open and certificate.download in the desktop app', () => {
  const { services, table } = servicesFor('desktop', 'electron');
  const chosen = path.join(dir, 'documents', 'chosen');
  // The person reaches the chosen folder through a symlinked parent (as /tmp on macOS): the shell is given the real path.
  const chosenViaLink = path.join(dir, 'documents-link', 'chosen');
  const other = path.join(dir, 'documents', 'not-chosen');
  mkdirSync(chosen, { recursive: true });
  mkdirSync(other);
  symlinkSync(path.join(dir, 'documents'), path.join(dir, 'documents-link'));
  let ours: Certificate;
  let notChosen: Certificate;

  beforeEach(() => {
    shellCalls.length = 0;
  });

  /** A refusal of every action on `file`, with nothing done. */
  async function expectRefusedEverywhere(file: string, code: string, message: RegExp): Promise<void> {
    for (const action of ['open', 'show-in-folder'] as const) {
      const result = await dispatch(table, 'certificate.open', { path: file, action });
      expect(result, `${action} ${file}`).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) as unknown, nextStep: expect.any(String) as unknown } });
    }
    const download = await dispatch(table, 'certificate.download', { path: file });
    expect(download, `download ${file}`).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) as unknown } });
    expect(shellCalls).toEqual([]);
  }

  it('a certificate a real wipe wrote into the folder chosen in the dialog is opened, shown and downloaded as written', async () => {
    dialogAnswer = chosenViaLink;
    expect(await succeed(table, 'dialog.choose-folder', { purpose: 'certificates' })).toEqual({ path: chosenViaLink });
    ours = await wipeWithCertificate(services, table, chosenViaLink);
    const realPdf = realpathSync(ours.pdfPath);
    expect(path.dirname(realPdf)).toBe(realpathSync(chosen));

    expect(await succeed(table, 'certificate.open', { path: ours.pdfPath, action: 'open' })).toEqual({ done: true });
    expect(await succeed(table, 'certificate.open', { path: ours.pdfPath, action: 'show-in-folder' })).toEqual({ done: true });
    expect(shellCalls).toEqual([
      { action: 'open', file: realPdf },
      { action: 'show', file: realPdf },
    ]);

    const pdf = await succeed(table, 'certificate.download', { path: ours.pdfPath });
    expect(pdf).toMatchObject({ fileName: path.basename(ours.pdfPath), mimeType: 'application/pdf' });
    expect(decoded(pdf).equals(readFileSync(ours.pdfPath))).toBe(true);
    expect(decoded(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const json = await succeed(table, 'certificate.download', { path: ours.jsonPath });
    expect(json).toMatchObject({ fileName: path.basename(ours.jsonPath), mimeType: 'application/json' });
    expect(decoded(json).equals(readFileSync(ours.jsonPath))).toBe(true);
  });

  it('refuses a certificate the app wrote outside every folder chosen in the dialog', async () => {
    // The page may name any certificate folder to sanitize.start; only the dialog's choice counts.
    notChosen = await wipeWithCertificate(services, table, other);
    await expectRefusedEverywhere(notChosen.pdfPath, 'CERTIFICATE_NOT_OURS', /not inside a folder you chose/);
  });

  it('refuses a file in the chosen folder that the app did not write, even a copy of its own certificate', async () => {
    const copy = path.join(chosen, 'copy-of-certificate.pdf');
    copyFileSync(ours.pdfPath, copy);
    const foreign = path.join(chosen, 'notes.json');
    writeFileSync(foreign, '{"not":"a certificate"}\n');
    await expectRefusedEverywhere(copy, 'CERTIFICATE_NOT_OURS', /not written by this app/);
    await expectRefusedEverywhere(foreign, 'CERTIFICATE_NOT_OURS', /not written by this app/);
  });

  it('refuses a `..` or symlink way out of the chosen folder, and anything not a certificate', async () => {
    await expectRefusedEverywhere(path.join(chosen, '..', 'not-chosen', path.basename(notChosen.pdfPath)), 'CERTIFICATE_NOT_OURS', /not inside a folder you chose/);
    const escape = path.join(chosen, 'escape.pdf');
    symlinkSync(notChosen.pdfPath, escape);
    await expectRefusedEverywhere(escape, 'CERTIFICATE_NOT_OURS', /not inside a folder you chose/);
    const system = path.join(chosen, 'passwd.pdf');
    symlinkSync('/etc/passwd', system);
    await expectRefusedEverywhere(system, 'CERTIFICATE_NOT_OURS', /not a certificate|not inside a folder you chose/);
    await expectRefusedEverywhere(chosen, 'CERTIFICATE_NOT_OURS', /not a certificate/);
    await expectRefusedEverywhere(path.relative(process.cwd(), ours.pdfPath), 'CERTIFICATE_NOT_OURS', /not the full path/);
    await expectRefusedEverywhere(path.join(chosen, 'gone.pdf'), 'CERTIFICATE_NOT_FOUND', /no longer there/);
  });

  it('refuses a certificate replaced under the same name since the app wrote it', async () => {
    const original = readFileSync(ours.jsonPath);
    // Replaced by another file with the same bytes (a new inode)…
    const swap = path.join(dir, 'swap.json');
    writeFileSync(swap, original);
    renameSync(swap, ours.jsonPath);
    await expectRefusedEverywhere(ours.jsonPath, 'CERTIFICATE_NOT_OURS', /replaced/);
    // …or deleted and written again (the file system may hand out the same inode).
    unlinkSync(ours.jsonPath);
    writeFileSync(ours.jsonPath, original);
    await expectRefusedEverywhere(ours.jsonPath, 'CERTIFICATE_NOT_OURS', /replaced/);
    // The PDF beside it is untouched and still served.
    expect(await succeed(table, 'certificate.open', { path: ours.pdfPath, action: 'open' })).toEqual({ done: true });
  });

  it('refuses once the chosen folder is gone (moved with its certificates)', async () => {
    const moved = path.join(dir, 'documents', 'moved');
    renameSync(chosen, moved);
    await expectRefusedEverywhere(path.join(moved, path.basename(ours.pdfPath)), 'CERTIFICATE_NOT_OURS', /not inside a folder you chose/);
  });
});

describe('the browser preview', () => {
  const { services, table } = servicesFor('preview', 'preview');

  it('downloads a certificate it wrote, and refuses to open or show it (Download is the way), doing nothing', async () => {
    const folder = ((await succeed(table, 'dialog.choose-folder', { purpose: 'certificates' })) as { path: string }).path;
    const certificate = await wipeWithCertificate(services, table, folder);
    const pdf = await succeed(table, 'certificate.download', { path: certificate.pdfPath });
    expect(decoded(pdf).equals(readFileSync(certificate.pdfPath))).toBe(true);
    for (const action of ['open', 'show-in-folder'] as const) {
      expect(await dispatch(table, 'certificate.open', { path: certificate.pdfPath, action })).toMatchObject({ ok: false, error: { code: 'NOT_AVAILABLE_IN_PREVIEW', nextStep: expect.stringContaining('Download') as unknown } });
    }
  });
});
