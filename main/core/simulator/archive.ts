/**
 * The configuration archive ProvisionDevice returns, built in memory with archiver: it is never
 * written to disk, here or anywhere else in the simulator. The caller names it
 * certificates-omni_<Name>.zip. Layout: network.json (the only documented entry),
 * certificate.pem, private_key.pem, root_ca.pem.
 */
import { ZipArchive } from 'archiver';
import type { NetworkPayload } from './model';

export interface ArchiveContents {
  networking: NetworkPayload;
  certificatePem: string;
  privateKeyPem: string;
  rootCaPem: string;
}

export function buildConfigurationArchive(contents: ArchiveContents, modified: Date = new Date()): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = new ZipArchive({ zlib: { level: 9 } });
    const chunks: Buffer[] = [];
    // Our own copy of the key, so it can be zeroed once archiver has deflated it.
    const privateKey = Buffer.from(contents.privateKeyPem, 'utf8');
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      privateKey.fill(0);
      if (error !== null) {
        for (const chunk of chunks) chunk.fill(0);
        reject(error);
        return;
      }
      const bytes = Buffer.concat(chunks);
      for (const chunk of chunks) chunk.fill(0);
      resolve(bytes);
    };
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('error', finish);
    // archiver only warns about missing files on disk, which we never read: treat it as an error.
    archive.on('warning', finish);
    archive.on('end', () => finish(null));
    archive.append(`${JSON.stringify(contents.networking, null, 2)}\n`, { name: 'network.json', date: modified });
    archive.append(contents.certificatePem, { name: 'certificate.pem', date: modified });
    archive.append(privateKey, { name: 'private_key.pem', date: modified });
    archive.append(contents.rootCaPem, { name: 'root_ca.pem', date: modified });
    archive.finalize().catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
  });
}
