/**
 * The crash-safe provisioning journal: one atomically written file per session under
 * `<dataDir>/journal/`, holding hashes, ids and paths (never the secret), read back through zod.
 */
export { JOURNAL_FOLDER_NAME, Journal } from './journal';
export { pendingItems } from './pending';
export {
  JournalSessionSchema,
  type JournalArchive,
  type JournalDrive,
  type JournalInit,
  type JournalLocalCopy,
  type JournalPatch,
  type JournalSession,
  type JournalWipe,
  type PendingItem,
  type PendingKind,
  type RegistrationState,
} from './types';
