/** After registration: the appliance's logs off the drive, local copies shredded, leftovers found. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from '../core/disk';
import { shredSubject } from '../core/records';
import { collectLogs, type LogBundleReport } from '../core/sanitize/logs';
import { scanLeftovers, shredFiles } from '../core/sanitize/local';
import type { CoreServices } from '../services';
import { driveForRequest, journal, record, recordFailure, type Handlers } from './support';

/** "panorama-logs-<drive>-2026-11-22T10-15-03Z.zip": says which drive and when, never collides in practice. */
export function bundleName(drivePath: string, now: Date): string {
  const drive = path.basename(drivePath).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/\.img$/i, '');
  return `panorama-logs-${drive}-${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.zip`;
}

export function cleanupHandlers(services: CoreServices): Handlers<'cleanup.collect-logs' | 'cleanup.shred' | 'cleanup.scan'> {
  return {
    'cleanup.collect-logs': async ({ drivePath, folder, sessionId, training }) => {
      const drive = await driveForRequest(services, drivePath, training);
      const out = path.join(folder, bundleName(drive.path, new Date()));
      let report: LogBundleReport;
      try {
        report = await collectLogs(drive.path, out, { drive });
      } catch (error) {
        await recordFailure(services, 'collect-logs', error, { drive: drive.path });
        throw error;
      }
      // The bundle is redacted already: hashing it reads no secret.
      const digest = sha256(await readFile(report.out));
      await record(services, 'collect-logs', 'succeeded', { drive: drive.path, bundle: report.out, files: report.files.length, unreadable: report.unreadable.length, redactions: report.redactions, sha256: digest });
      await journal(services, sessionId, () => ({}));
      return { bundlePath: report.out, files: report.files.length, unreadable: report.unreadable.map((log) => log.name), redactions: report.redactions, sha256: digest };
    },
    'cleanup.shred': async ({ paths, sessionId }) => {
      const report = await shredFiles(paths);
      const results = report.outcomes.map((outcome) =>
        outcome.status === 'shredded'
          ? { path: outcome.path, outcome: 'shredded', guaranteed: outcome.result.guarantee === 'overwritten', caveat: outcome.result.caveats.length > 0 ? outcome.result.caveats.join(' ') : null }
          : { path: outcome.path, outcome: outcome.status, guaranteed: false, caveat: `${outcome.error.message}${outcome.error.nextStep === undefined ? '' : ` ${outcome.error.nextStep}`}` },
      );
      for (const result of results) {
        const { outcome, subject } = shredSubject(result.path, result.outcome === 'shredded' ? 'shredded' : result.outcome === 'refused' ? 'refused' : 'failed', result.guaranteed);
        await record(services, 'shred', outcome, subject);
      }
      const shredded = new Set(results.filter((result) => result.outcome === 'shredded').map((result) => path.resolve(result.path)));
      await journal(services, sessionId, (session) => ({ localCopies: session.localCopies.map((copy) => (shredded.has(copy.path) ? { ...copy, shredded: true } : copy)) }));
      return { results };
    },
    'cleanup.scan': async ({ folders }) => {
      const leftovers = await scanLeftovers(folders);
      await record(services, 'scan', 'info', { found: leftovers.length });
      return leftovers.map((leftover) => ({ path: leftover.path, size: leftover.size, modifiedAt: leftover.modifiedAt, reason: leftover.reason === 'name' ? 'named like a configuration archive' : 'contents look like a configuration archive' }));
    },
  };
}
