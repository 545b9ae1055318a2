/**
 * collect-logs end to end on image files: logs written under /panorama by FatVolume (with a
 * private key, certificates, a long base64 blob and AWS keys in them) come out of the bundle
 * redacted, as read back by unzip (a tool nobody here wrote), with a manifest that matches; the
 * drive is only read; refusals write nothing and never touch an existing file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockTarget, formatTarget, withVolume } from '../../main/core/disk';
import { collectLogs, MIN_BASE64_RUN, redactText, writeZipExclusive, type LogBundleReport } from '../../main/core/sanitize/logs';
import { realisticArchive, testCertificates } from '../support/archives';
import { fileSha256, GiB, imageDir, sparseImage } from '../support/images';
import { expectRefusal } from '../support/refusal';
import { mustRun } from '../support/tools';

const { dir, cleanup } = imageDir('sanitize-logs');
afterAll(cleanup);

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SESSION_KEY = 'ASIAY34FZKBOKMUTVV7A';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BLOB = createHash('sha512').update('blob').digest('base64').repeat(4); // 352 base64 characters

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function prefixed(prefix: string, block: string): string {
  return block
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** What the appliance might have logged, secrets included. */
function sampleLogs(): Record<string, string> {
  const certs = testCertificates();
  return {
    'occ.log': [
      '2026-05-31T09:00:01Z occ[812]: found certificates-omni_lobby-cam-01.zip on /media/usb',
      '2026-05-31T09:00:02Z occ[812]: loaded provisioning key:',
      certs.privateKey.trimEnd(),
      '2026-05-31T09:00:03Z occ[812]: device certificate:',
      certs.certificate.trimEnd(),
      '2026-05-31T09:00:04Z occ[812]: registered with endpoint panorama.us-east-1.amazonaws.com',
      '',
    ].join('\n'),
    'syslog.log': [
      'May 31 09:00:05 appliance occ[812]: root CA follows',
      prefixed('May 31 09:00:05 appliance occ[812]: ', certs.rootCa),
      'May 31 09:00:06 appliance chronyd[731]: Selected source ntp.example.internal',
      '',
    ].join('\n'),
    'ota_agent.log': [
      `[ota] using credentials ${ACCESS_KEY} / session ${SESSION_KEY}`,
      `[ota] aws_secret_access_key = ${SECRET_KEY}`,
      `[ota] manifest signature ${BLOB}`,
      '[ota] ================================================================================================================================================================================================================',
      '[ota] no update available',
      '',
    ].join('\n'),
    'kern.log': ['[    5.512345] usb 2-1: new SuperSpeed USB device number 3 using xhci_hcd', '[    5.900000] sd 0:0:0:0: [sda] Attached SCSI removable disk', ''].join('\n'),
  };
}

async function formattedImage(name: string): Promise<string> {
  const image = sparseImage(dir, name, GiB);
  const target = await BlockTarget.open(image, { access: 'write' });
  try {
    await formatTarget(target, { label: 'PANORAMA' });
  } finally {
    target.close();
  }
  return image;
}

async function imageWithLogs(name: string, logs: Record<string, string>, extra: Record<string, Buffer | string> = {}): Promise<string> {
  const image = await formattedImage(name);
  await withVolume(image, { access: 'write' }, (volume) => {
    volume.writeFile('/certificates-omni_lobby-cam-01.zip', realisticArchive());
    volume.mkdir('/panorama');
    for (const [file, text] of Object.entries(logs)) volume.writeFile(`/panorama/${file}`, Buffer.from(text, 'latin1'));
    for (const [file, data] of Object.entries(extra)) {
      if (file.endsWith('/')) volume.mkdir(file.slice(0, -1));
      else volume.writeFile(file, typeof data === 'string' ? Buffer.from(data) : data);
    }
  });
  return image;
}

function unzipList(bundle: string): string[] {
  return mustRun('unzip', ['-Z1', bundle]).trim().split('\n').sort();
}

function unzipEntry(bundle: string, entry: string): string {
  return mustRun('unzip', ['-p', bundle, entry]);
}

interface Manifest {
  schemaVersion: number;
  tool: { name: string; version: string };
  collectedAt: string;
  drive: { path: string; description: string };
  source: string;
  redaction: { total: number };
  files: { name: string; entry: string; originalBytes: number; bytes: number; sha256: string; redactions: number; redactionsByKind: Record<string, number> }[];
}

describe('collectLogs', () => {
  let image: string;
  let bundle: string;
  let report: LogBundleReport;
  let imageBefore: string;
  const logs = sampleLogs();

  beforeAll(async () => {
    image = await imageWithLogs('logs.img', logs, { '/panorama/readme.txt': 'not a log', '/panorama/old/': '', '/panorama/old/occ.log': 'older run' });
    imageBefore = await fileSha256(image);
    bundle = path.join(dir, 'support-bundle.zip');
    report = await collectLogs(image, bundle, { now: new Date('2026-05-31T10:00:00.000Z') });
  });

  it('bundles every *.log under /panorama (and nothing else), leaving the drive untouched', async () => {
    expect(unzipList(bundle)).toEqual(['logs/kern.log', 'logs/occ.log', 'logs/ota_agent.log', 'logs/syslog.log', 'manifest.json']);
    expect(report.out).toBe(bundle);
    expect(report.files.map((file) => file.name)).toEqual(['kern.log', 'occ.log', 'ota_agent.log', 'syslog.log']);
    expect(await fileSha256(image)).toBe(imageBefore);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(statSync(bundle).size).toBe(report.bundleBytes);
    // Unzip's own integrity test passes.
    expect(mustRun('unzip', ['-t', bundle])).toMatch(/No errors detected/);
  });

  it('redacts private keys, certificates (even with log prefixes on each line), access keys, secret keys and long base64', () => {
    const certs = testCertificates();
    const bodyLines = (pem: string): string[] => pem.split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));
    const all = Object.keys(logs)
      .map((name) => unzipEntry(bundle, `logs/${name}`))
      .join('\n');
    for (const line of [...bodyLines(certs.privateKey), ...bodyLines(certs.certificate), ...bodyLines(certs.rootCa)]) expect(all).not.toContain(line);
    expect(all).not.toMatch(/-----BEGIN|-----END/);
    for (const secret of [ACCESS_KEY, SESSION_KEY, SECRET_KEY, BLOB.slice(0, 64)]) expect(all).not.toContain(secret);

    const occ = unzipEntry(bundle, 'logs/occ.log');
    expect(occ).toBe(
      [
        '2026-05-31T09:00:01Z occ[812]: found certificates-omni_lobby-cam-01.zip on /media/usb',
        '2026-05-31T09:00:02Z occ[812]: loaded provisioning key:',
        '[REDACTED PRIVATE KEY]',
        '2026-05-31T09:00:03Z occ[812]: device certificate:',
        '[REDACTED CERTIFICATE]',
        '2026-05-31T09:00:04Z occ[812]: registered with endpoint panorama.us-east-1.amazonaws.com',
        '',
      ].join('\n'),
    );
    expect(unzipEntry(bundle, 'logs/syslog.log')).toBe(
      ['May 31 09:00:05 appliance occ[812]: root CA follows', 'May 31 09:00:05 appliance occ[812]: [REDACTED CERTIFICATE]', 'May 31 09:00:06 appliance chronyd[731]: Selected source ntp.example.internal', ''].join('\n'),
    );
    const ota = unzipEntry(bundle, 'logs/ota_agent.log');
    expect(ota).toContain('[ota] using credentials [REDACTED ACCESS KEY] / session [REDACTED ACCESS KEY]');
    expect(ota).toContain('[ota] aws_secret_access_key = [REDACTED SECRET KEY]');
    expect(ota).toContain('[ota] manifest signature [REDACTED BASE64]');
    // A ruler of "=" is long but not a secret: kept.
    expect(ota).toContain(`[ota] ${'='.repeat(208)}`);
    // Nothing to redact: byte for byte the same.
    expect(unzipEntry(bundle, 'logs/kern.log')).toBe(logs['kern.log']);
  });

  it('writes a manifest with the drive, the time, each file\'s original size, the SHA-256 of what is in the bundle, and the redaction counts', () => {
    const manifest = JSON.parse(unzipEntry(bundle, 'manifest.json')) as Manifest;
    expect(manifest).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'panorama-usb' },
      collectedAt: '2026-05-31T10:00:00.000Z',
      drive: { path: image, description: expect.stringContaining(image) as string },
      source: '/panorama',
    });
    const expected: Record<string, Record<string, number>> = {
      'kern.log': {},
      'occ.log': { privateKey: 1, certificate: 1 },
      'ota_agent.log': { accessKey: 2, secretKey: 1, base64: 1 },
      'syslog.log': { certificate: 1 },
    };
    for (const file of manifest.files) {
      const content = unzipEntry(bundle, file.entry);
      expect(file.entry).toBe(`logs/${file.name}`);
      expect(file.sha256).toBe(sha256(content));
      expect(file.bytes).toBe(Buffer.byteLength(content));
      expect(file.originalBytes).toBe(Buffer.byteLength(logs[file.name] ?? '', 'latin1'));
      const counts = Object.fromEntries(Object.entries(file.redactionsByKind).filter(([, count]) => count > 0));
      expect(counts, file.name).toEqual(expected[file.name]);
      expect(file.redactions).toBe(Object.values(counts).reduce((sum, count) => sum + count, 0));
    }
    expect(manifest.redaction.total).toBe(7);
    expect(report.redactions).toBe(7);
    expect(report.files.map((file) => [file.name, file.bytes, file.sha256])).toEqual(manifest.files.map((file) => [file.name, file.originalBytes, file.sha256]));
    // The report is safe to print: no secret in it.
    expect(JSON.stringify(report)).not.toMatch(/AKIA|PRIVATE KEY-----|MII/);
  });

  it('refuses an output that exists and never touches it, nor the drive', async () => {
    const existing = path.join(dir, 'existing.zip');
    writeFileSync(existing, 'someone else\'s file');
    const mtime = statSync(existing).mtimeMs;
    await expectRefusal(collectLogs(image, existing), { code: 'OUTPUT_EXISTS', outcome: 'refused' });
    expect(readFileSync(existing, 'utf8')).toBe('someone else\'s file');
    expect(statSync(existing).mtimeMs).toBe(mtime);
    expect(existsSync(`${existing}.partial`)).toBe(false);
    // A partial file left by an interrupted run is not overwritten either.
    const interrupted = path.join(dir, 'interrupted.zip');
    writeFileSync(`${interrupted}.partial`, 'half');
    await expectRefusal(collectLogs(image, interrupted), { code: 'OUTPUT_EXISTS' }, 'interrupted');
    expect(readFileSync(`${interrupted}.partial`, 'utf8')).toBe('half');
    expect(existsSync(interrupted)).toBe(false);
    expect(await fileSha256(image)).toBe(imageBefore);
  });

  it('removes its partial file and keeps the other one when the output appears while the bundle is being written', async () => {
    const raced = path.join(dir, 'raced.zip');
    writeFileSync(raced, 'appeared meanwhile');
    // writeZipExclusive is the last step of collectLogs: the name is taken by the time it publishes.
    await expectRefusal(writeZipExclusive(raced, [{ name: 'logs/a.log', data: Buffer.from('a') }]), { code: 'OUTPUT_EXISTS' });
    expect(readFileSync(raced, 'utf8')).toBe('appeared meanwhile');
    expect(existsSync(`${raced}.partial`)).toBe(false);
  });

  it('refuses an output folder that does not exist', async () => {
    await expectRefusal(collectLogs(image, path.join(dir, 'no-such-folder', 'bundle.zip')), { code: 'OUTPUT_FOLDER_NOT_FOUND', outcome: 'refused' });
  });
});

describe('collectLogs refusals on the drive', () => {
  it('refuses a drive without a /panorama folder, with the next step', async () => {
    const image = await formattedImage('no-panorama.img');
    const out = path.join(dir, 'no-panorama.zip');
    await expectRefusal(collectLogs(image, out), { code: 'NO_LOGS', outcome: 'refused', nextStep: expect.stringMatching(/the appliance writes its logs after reading the drive/i) as string });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('refuses a /panorama folder without logs', async () => {
    const image = await imageWithLogs('empty-panorama.img', {}, { '/panorama/readme.txt': 'nothing yet' });
    const out = path.join(dir, 'empty-panorama.zip');
    await expectRefusal(collectLogs(image, out), { code: 'NO_LOGS' }, 'no .log files');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a drive without a FAT volume', async () => {
    const image = sparseImage(dir, 'blank.img', GiB);
    const out = path.join(dir, 'blank.zip');
    await expectRefusal(collectLogs(image, out), { code: 'NOT_FAT', outcome: 'refused' });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});

describe('redactText', () => {
  const key = testCertificates().privateKey.trimEnd();

  it('redacts a PEM block cut short by the end of the log, and one whose labels do not match', () => {
    const cut = key.split('\n').slice(0, 3).join('\n');
    expect(redactText(`before\n${cut}`)).toMatchObject({ text: 'before\n[REDACTED PRIVATE KEY]', total: 1 });
    expect(redactText(`before\n${cut}\nafter the cut: something else\n`)).toMatchObject({ text: 'before\n[REDACTED PRIVATE KEY]\nafter the cut: something else\n', total: 1 });
    const mismatched = key.replace('-----END PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----');
    expect(redactText(`${mismatched}\nnext line\n`).text).toBe('[REDACTED PRIVATE KEY]\nnext line\n');
  });

  it('redacts a PEM block logged on one line with escaped newlines (as JSON logs do)', () => {
    const escaped = JSON.stringify({ cert: testCertificates().certificate });
    expect(redactText(`payload ${escaped}`).text).toBe('payload {"cert":"[REDACTED CERTIFICATE]\\n"}');
  });

  it('redacts a certificate body logged without its markers, as consecutive base64 lines', () => {
    const body = testCertificates().certificate.trimEnd().split('\n').filter((line) => !line.startsWith('-----'));
    expect(body.join('').length).toBeGreaterThanOrEqual(MIN_BASE64_RUN);
    expect(redactText(`key:\n${body.join('\n')}\ndone\n`)).toMatchObject({ text: 'key:\n[REDACTED BASE64]\ndone\n', counts: { base64: 1 } });
  });

  it('keeps short base64, hex digests, rulers and ordinary text', () => {
    const text = `sha256 ${'ab12'.repeat(16)}\nid ${'A1b2'.repeat(49)}\n${'-'.repeat(300)}\n${'='.repeat(300)}\nplain words here\n`;
    expect(redactText(text)).toMatchObject({ text, total: 0 });
  });

  it('stays fast on hostile input (a marker before a huge line, many runs just short of the limit)', () => {
    const hostile = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(4_000_000)}!\n${`${'A1b2'.repeat(49)}!`.repeat(5000)}\n${'-----BEGIN CERTIFICATE-----\n'.repeat(200)}`;
    const started = performance.now();
    const result = redactText(hostile);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.counts.privateKey).toBe(1);
  });

  it('keeps every byte that is not redacted, whatever the encoding', () => {
    const bytes = Buffer.from([0x00, 0xff, 0xc3, 0x28, 0x0a, 0x80]);
    const text = bytes.toString('latin1');
    expect(Buffer.from(redactText(text).text, 'latin1').equals(bytes)).toBe(true);
  });
});
