/**
 * What an unfinished session left behind, in sentences a technician can act on after a crash:
 * a drive that still holds a secret, a local copy that still exists, a registration nobody saw end.
 */
import type { JournalSession, JournalWipe, PendingItem } from './types';

const COMMAND = 'panorama-usb';

/** A word as a POSIX shell reads it: as-is when it holds nothing the shell treats specially, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function commandLine(...words: string[]): string {
  return [COMMAND, ...words.map(shellWord)].join(' ');
}

/** One full, verified pass: the least that reaches NIST SP 800-88 Clear (the wizard's default too). */
const FINISHING_WIPE: JournalWipe = { method: 'zero', verify: 'last' };

function sanitizeCommand(drivePath: string, wipe: JournalWipe): string {
  return commandLine('sanitize', drivePath, '--method', wipe.method, ...(wipe.verify === 'last' ? [] : ['--verify', wipe.verify]));
}

function monitorCommand(session: JournalSession): string | null {
  if (session.deviceId === null) return null;
  const endpoint = session.endpoint ?? null;
  return commandLine('monitor', '--device-id', session.deviceId, ...(endpoint === null ? [] : ['--endpoint', endpoint]));
}

/** "the archive of device lobby-cam-01", falling back on what else the session recorded. */
function archivePhrase(session: JournalSession): string {
  const device = session.deviceName ?? session.deviceId;
  if (device !== null) return `the archive of device ${device}`;
  return session.archive === null ? 'a configuration archive' : `the archive ${session.archive.fileName}`;
}

function registrationText(session: JournalSession): string {
  const { deviceName, deviceId } = session;
  const device = deviceName !== null && deviceId !== null ? `${deviceName} (${deviceId})` : (deviceName ?? deviceId);
  return `${device === null ? 'A registration' : `The registration of device ${device}`} was still in progress; its result is unknown.`;
}

export function pendingItems(session: JournalSession): PendingItem[] {
  if (session.finished) return [];
  const base = { sessionId: session.id, deviceId: session.deviceId, deviceName: session.deviceName };
  const items: PendingItem[] = [];
  const drive = session.drive;
  // The wizard's name for the drive when it gave one (the command beside the text names the path).
  const named = drive === null ? 'A drive' : drive.name !== undefined ? drive.name : drive.model === null ? `The drive ${drive.path}` : `The drive ${drive.model} (${drive.path})`;
  const wiping = session.wiping ?? null;
  if (wiping !== null && !session.driveSanitized) {
    items.push({
      ...base,
      kind: 'wipe-interrupted',
      text: `${named} was being sanitized (${wiping.method}) when the work stopped: it is NOT sanitized and may still hold data.`,
      path: drive?.path ?? null,
      command: drive === null ? null : sanitizeCommand(drive.path, wiping),
    });
    // The interrupted wipe says it all for this drive; an archive it held is one more reason to finish it.
  } else if (session.driveHoldsArchive && !session.driveSanitized) {
    // A sanitized drive no longer holds anything, whichever of the two flags the caller remembered to clear.
    items.push({ ...base, kind: 'drive-holds-archive', text: `${named} still holds ${archivePhrase(session)}.`, path: drive?.path ?? null, command: drive === null ? null : sanitizeCommand(drive.path, FINISHING_WIPE) });
  }
  for (const copy of session.localCopies) {
    if (!copy.shredded) items.push({ ...base, kind: 'local-copy-not-shredded', text: `The local copy at ${copy.path} was not shredded.`, path: copy.path, command: commandLine('shred', copy.path) });
  }
  if (session.registration === 'in-progress') items.push({ ...base, kind: 'registration-unknown', text: registrationText(session), path: null, command: monitorCommand(session) });
  return items;
}

export function unreadableItem(sessionId: string, file: string, problem: string): PendingItem {
  return {
    sessionId,
    kind: 'journal-unreadable',
    text: `The journal file ${file} ${problem}; what that session left behind is unknown.`,
    path: file,
    deviceId: null,
    deviceName: null,
    // Only a person can tell what the damaged file hid.
    command: null,
  };
}
