/**
 * What an unfinished session left behind, in sentences a technician can act on after a crash:
 * a drive that still holds a secret, a local copy that still exists, a registration nobody saw end.
 */
import type { JournalSession, PendingItem } from './types';

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
  // A sanitized drive no longer holds anything, whichever of the two flags the caller remembered to clear.
  if (session.driveHoldsArchive && !session.driveSanitized) {
    const drive = session.drive;
    const named = drive === null ? 'A drive' : drive.model === null ? `The drive ${drive.path}` : `The drive ${drive.model} (${drive.path})`;
    items.push({ ...base, kind: 'drive-holds-archive', text: `${named} still holds ${archivePhrase(session)}.`, path: drive?.path ?? null });
  }
  for (const copy of session.localCopies) {
    if (!copy.shredded) items.push({ ...base, kind: 'local-copy-not-shredded', text: `The local copy at ${copy.path} was not shredded.`, path: copy.path });
  }
  if (session.registration === 'in-progress') items.push({ ...base, kind: 'registration-unknown', text: registrationText(session), path: null });
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
  };
}
