/**
 * A certificate of sanitization after the wipe: opened or shown in its folder by the desktop
 * (Electron's shell), or handed to the browser to save (the preview). Only a certificate this
 * run wrote, inside a folder the person chose in the dialog, is ever reached: the page can
 * name any path, so every other one is refused before anything is opened or read.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, failed, refused, type PanoramaUsbError } from '../core/errors';
import type { WrittenFileRefusal } from '../core/files';
import type { CoreServices } from '../services';
import type { Handlers } from './support';

const MIME_TYPES = { '.pdf': 'application/pdf', '.json': 'application/json' } as const;
const EXTENSIONS = Object.keys(MIME_TYPES);
/** A certificate is a page and a small record; anything bigger is not one of ours. */
export const MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024;

const NOT_OURS_NEXT = 'Use the buttons next to a certificate this app wrote in this session, or open the file from its folder yourself.';

function refusal(reason: WrittenFileRefusal, file: string): PanoramaUsbError {
  switch (reason) {
    case 'missing':
      return refused('CERTIFICATE_NOT_FOUND', `The certificate ${file} is no longer there.`, 'It may have been moved or deleted; look for it in the folder you chose.');
    case 'not-absolute':
      return refused('CERTIFICATE_NOT_OURS', `${file} is not the full path of a certificate.`, NOT_OURS_NEXT);
    case 'wrong-kind':
      return refused('CERTIFICATE_NOT_OURS', `${file} is not a certificate of sanitization (.pdf or .json).`, NOT_OURS_NEXT);
    case 'outside-chosen-folder':
      return refused('CERTIFICATE_NOT_OURS', `${file} is not inside a folder you chose for certificates.`, NOT_OURS_NEXT);
    case 'not-written':
      return refused('CERTIFICATE_NOT_OURS', `${file} was not written by this app in this session.`, NOT_OURS_NEXT);
    case 'replaced':
      return refused('CERTIFICATE_NOT_OURS', `${file} was replaced since this app wrote it.`, 'Check the folder: the certificate this app wrote is no longer the file at that name.');
  }
}

/** The real path of a certificate this run wrote in a chosen folder, or the refusal. */
async function verifiedCertificate(services: CoreServices, file: string): Promise<string> {
  const verdict = await services.writtenFiles.verify(file, 'certificates', EXTENSIONS);
  if (!verdict.ok) throw refusal(verdict.reason, file);
  return verdict.path;
}

export function certificateHandlers(services: CoreServices): Handlers<'certificate.open' | 'certificate.download'> {
  return {
    'certificate.open': async ({ path: file, action }) => {
      const real = await verifiedCertificate(services, file);
      if (action === 'open') await services.dialogs.openPath(real);
      else await services.dialogs.showInFolder(real);
      return { done: true as const };
    },
    'certificate.download': async ({ path: file }) => {
      const real = await verifiedCertificate(services, file);
      // Opened without following a link, then checked to be the very file verified: a swap between the check and the read gets nothing.
      // (Windows has no O_NOFOLLOW: undefined there, which `|` turns into 0; the identity check still holds.)
      const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
        throw errnoCode(error) === 'ENOENT' ? refusal('missing', file) : refusal('replaced', file);
      });
      try {
        const stats = await handle.stat();
        if (!services.writtenFiles.isSameFile(real, stats)) throw refusal('replaced', file);
        if (stats.size > MAX_CERTIFICATE_BYTES) throw refused('CERTIFICATE_TOO_LARGE', `${file} is larger than a certificate can be (${String(stats.size)} bytes).`, 'Open it from its folder instead.');
        const bytes = await handle.readFile().catch((error: unknown) => {
          throw failed('CERTIFICATE_READ_FAILED', `${file} could not be read (${errnoCode(error) ?? 'unknown error'}).`, 'Check the disk, then try again.', error);
        });
        const extension = path.extname(real).toLowerCase() as keyof typeof MIME_TYPES;
        return { fileName: path.basename(real), mimeType: MIME_TYPES[extension], base64: bytes.toString('base64') };
      } finally {
        await handle.close().catch(() => undefined);
      }
    },
  };
}
