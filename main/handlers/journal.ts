/** Provisioning sessions, what earlier ones left unfinished, and the audit log's viewer. */
import path from 'node:path';
import type { CoreServices } from '../services';
import type { Handlers } from './support';

export function journalHandlers(services: CoreServices): Handlers<'session.start' | 'session.finish' | 'journal.pending' | 'audit.read' | 'audit.export'> {
  return {
    'session.start': async ({ source }) => ({ sessionId: (await services.journal.begin({ source })).id }),
    'session.finish': async ({ sessionId }) => {
      await services.journal.finish(sessionId);
      return { finished: true as const };
    },
    'journal.pending': () => services.journal.pending(),
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
