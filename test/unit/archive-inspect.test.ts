/**
 * The archive reader against a corpus of hostile archives (one per class the issue lists) and a
 * realistic one: each refusal has its own code, the report says what a technician needs, and
 * nothing of the key or the certificate body ever appears in it.
 */
import { describe, expect, it } from 'vitest';
import { deviceNameFromArchiveName, inspectArchiveBytes } from '../../main/core/archive';
import { realisticArchive, STATIC_NETWORK, testCertificates } from '../support/archives';
import { buildZip } from '../support/zip-builder';

const NAME = 'certificates-omni_lobby-cam-01.zip';
const network = { name: 'network.json', data: JSON.stringify(STATIC_NETWORK) };

describe('inspect: a realistic archive', () => {
  it('reports name, device, size, hash, entries, network in words and certificate validity', async () => {
    const bytes = realisticArchive();
    const report = await inspectArchiveBytes(bytes, NAME);
    expect(report).toMatchObject({ fileName: NAME, deviceName: 'lobby-cam-01', size: bytes.length });
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.entries.map((entry) => [entry.name, entry.kind])).toEqual([
      ['network.json', 'network'],
      ['certificate.pem', 'certificate'],
      ['private_key.pem', 'private-key'],
      ['root_ca.pem', 'certificate'],
    ]);
    expect(report.network?.text).toBe(
      'Ethernet0: static IP 192.168.10.20 mask 255.255.255.0, gateway 192.168.10.1, DNS 192.168.10.2; Ethernet1: DHCP (address from the network); NTP: ntp.example.internal',
    );
    const leaf = report.certificates.find((certificate) => !certificate.isCertificateAuthority);
    expect(leaf?.subject).toContain('CN=lobby-cam-01');
    expect(leaf?.validityText).toMatch(/^expires in (2[34] h|1 days)$/);
    expect(report.certificateExpiresAt).toBe(leaf?.validTo);
    expect(report.warnings).toEqual([]);
  });

  it('counts down the provisioning certificate ("expires in 4 min") and warns once it expired', async () => {
    const bytes = realisticArchive();
    const validTo = new Date((await inspectArchiveBytes(bytes, NAME)).certificateExpiresAt ?? '');
    const soon = await inspectArchiveBytes(bytes, NAME, new Date(validTo.getTime() - 4 * 60_000));
    expect(soon.certificates.find((c) => !c.isCertificateAuthority)?.validityText).toBe('expires in 4 min');
    const late = await inspectArchiveBytes(bytes, NAME, new Date(validTo.getTime() + 3 * 3600_000));
    expect(late.certificates.find((c) => !c.isCertificateAuthority)?.validityText).toBe('expired 3 h ago');
    expect(late.warnings.join(' ')).toMatch(/delete the device and provision it again/);
  });

  it('never puts key material or certificate bodies in the report', async () => {
    const certs = testCertificates();
    const report = JSON.stringify(await inspectArchiveBytes(realisticArchive(), NAME));
    const keyBody = certs.privateKey.split('\n')[1] ?? 'missing';
    const certBody = certs.certificate.split('\n')[1] ?? 'missing';
    expect(report).not.toContain(keyBody);
    expect(report).not.toContain(certBody);
    expect(report).not.toContain('PRIVATE KEY');
  });

  it('describes DHCP and warns (does not refuse) about an unknown layout', async () => {
    const dhcp = await inspectArchiveBytes(realisticArchive({ network: { Ethernet0: { ConnectionType: 'DHCP' } } }), NAME);
    expect(dhcp.network?.text).toBe('Ethernet0: DHCP (address from the network); Ethernet1: not configured; NTP: the appliance default');
    const odd = await inspectArchiveBytes(buildZip([{ name: 'config/settings.yaml', data: 'a: 1' }, { name: 'device.crt', data: testCertificates().certificate }]), NAME);
    expect(odd.warnings.join(' ')).toMatch(/no network\.json/);
    expect(odd.warnings.join(' ')).toMatch(/settings\.yaml/);
  });
});

describe('inspect: refusals, one code per hostile class', () => {
  const bomb = Buffer.alloc(64 * 1024 * 1024);
  it.each([
    ['not a zip', 'NOT_A_ZIP', Buffer.from('%PDF-1.7 this is not a zip at all')],
    ['a truncated zip', 'ARCHIVE_TRUNCATED', realisticArchive().subarray(0, 600)],
    ['a corrupt entry (CRC mismatch)', 'ARCHIVE_CORRUPT', buildZip([{ ...network, crc: 1234 }])],
    ['an encrypted entry', 'ARCHIVE_ENCRYPTED', buildZip([{ ...network, encrypted: true }])],
    ['an absolute path', 'ENTRY_PATH_ABSOLUTE', buildZip([network, { name: '/etc/cron.d/evil', data: 'x' }])],
    ['a Windows drive path', 'ENTRY_PATH_ABSOLUTE', buildZip([network, { name: 'C:/Windows/evil.dll', data: 'x' }])],
    ['a ".." segment', 'ENTRY_PATH_TRAVERSAL', buildZip([network, { name: 'certs/../../evil', data: 'x' }])],
    ['a backslash', 'ENTRY_NAME_BACKSLASH', buildZip([network, { name: '..\\evil.pem', data: 'x' }])],
    ['a symlink entry', 'ENTRY_SYMLINK', buildZip([network, { name: 'link.pem', data: '/etc/shadow', symlink: true }])],
    ['duplicate names', 'DUPLICATE_ENTRY', buildZip([network, network])],
    ['too many entries', 'TOO_MANY_ENTRIES', buildZip(Array.from({ length: 65 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })))],
    ['an entry too large (declared)', 'ENTRY_TOO_LARGE', buildZip([{ name: 'network.json', data: Buffer.alloc(1), method: 'deflate', declaredSize: 300 * 1024 }])],
    ['a zip bomb (64 MiB of zeros, honestly declared)', 'ENTRY_TOO_LARGE', buildZip([{ name: 'network.json', data: bomb, method: 'deflate' }])],
    ['a zip bomb lying about its size', 'ENTRY_SIZE_MISMATCH', buildZip([{ name: 'network.json', data: bomb, method: 'deflate', declaredSize: 1000 }])],
    ['more bytes in total than plausible', 'ARCHIVE_TOO_LARGE', buildZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.bin`, data: Buffer.alloc(250 * 1024), method: 'deflate' as const })))],
    ['an archive file over 1 MiB', 'ARCHIVE_TOO_LARGE', Buffer.alloc(1024 * 1024 + 1)],
    ['an empty archive', 'ARCHIVE_EMPTY', buildZip([])],
    ['an archive of folders only', 'ARCHIVE_EMPTY', buildZip([{ name: 'certs/' }])],
  ])('%s -> %s', async (_name, code, bytes) => {
    const copy = Buffer.from(bytes);
    await expect(inspectArchiveBytes(bytes, NAME)).rejects.toMatchObject({ code, outcome: 'refused' });
    // The source bytes are never modified.
    expect(bytes.equals(copy)).toBe(true);
  });

  it.each([
    ['certificates-omni_lobby-cam-01.zip', 'lobby-cam-01'],
    ['/downloads/certificates-omni_A_b-9.zip', 'A_b-9'],
  ])('takes the device name from %s', (fileName, deviceName) => {
    expect(deviceNameFromArchiveName(fileName)).toBe(deviceName);
  });

  it.each(['archive.zip', 'certificates-omni_.zip', 'certificates-omni_bad name.zip', 'certificates-omni_x.tar.gz', `certificates-omni_${'a'.repeat(256)}.zip`, 'certificates-omni_cam (1).zip'])(
    'refuses the file name %s with BAD_ARCHIVE_NAME',
    (fileName) => {
      expect(() => deviceNameFromArchiveName(fileName)).toThrow(expect.objectContaining({ code: 'BAD_ARCHIVE_NAME' }));
    },
  );
});
