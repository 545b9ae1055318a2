/** Provisioning sessions, what earlier ones left unfinished, and the audit log's viewer. */
import path from 'node:path';
import { listDrives } from '../core/drives';
import { locateDrive } from '../core/records';
import type { CoreServices } from '../services';
import type { Handlers } from './support';

export function journalHandlers(services: CoreServices): Handlers<'session.start' | 'session.finish' | 'journal.pending' | 'audit.read' | 'audit.export'> {
  return {
    'session.start': async ({ source }) => ({ sessionId: (await services.journal.begin({ source })).id }),
    'session.finish': async ({ sessionId }) => {
      await services.journal.finish(sessionId);
      return { finished: true as const };
    },
    'journal.pending': async () => {
      const items = await services.journal.pending();
      const isDrive = (kind: string): boolean => kind === 'drive-holds-archive' || kind === 'wipe-interrupted';
      if (!items.some((item) => isDrive(item.kind))) return items;
      // Where each drive is now: the home screen offers to finish it only once it is back (the same one).
      const drives = await listDrives().catch(() => []);
      return Promise.all(
        items.map(async (item) => {
          const recorded = isDrive(item.kind) ? ((await services.journal.get(item.sessionId))?.drive ?? null) : null;
          if (recorded === null) return item;
          const where = locateDrive(recorded, drives);
          return { ...item, driveState: where.state, ...(where.state === 'present' ? { foundAt: where.path } : {}) };
        }),
      );
    },
    'audit.read': async ({ limit }) => {
      const [entries, verification] = await Promise.all([services.audit.read(), services.audit.verify()]);
      return {
        path: services.audit.path,
        verification,
        entries: entries.slice(-limit).reverse().map((entry) => ({ seq: entry.seq, time: entry.time, action: entry.action, outcome: entry.outcome, subject: entry.subject, hash: entry.hash })),
      };
    },
    'audit.export': async ({ folder }) => {
      const name = `panorama-usb-audit-${new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.jsonl`;
      const exported = await services.audit.export(path.join(folder, name));
      return { path: exported.path, entries: exported.entries, sha256: exported.sha256 };
    },
  };
}
