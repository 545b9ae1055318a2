import type { PendingItem } from '../../preload/contract';
import { call } from '../lib/calls';
import { useAction, usePolling } from '../lib/hooks';
import { ErrorNotice } from './ErrorNotice';

/**
 * What earlier sessions left behind (after a crash, a kill or a power cut): each item says what
 * is unfinished and offers the way to finish it.
 */
export function PendingWork({ onSanitize }: { onSanitize: (drivePath: string, sessionId: string) => void }) {
  const { value, refresh } = usePolling(() => call('journal.pending', {}), 10_000);
  const { busy, error, run } = useAction();
  const items = value ?? [];
  if (items.length === 0 && error === null) return null;
  const act = (work: () => Promise<unknown>): void => {
    run(async () => {
      await work();
      refresh();
    });
  };
  const action = (item: PendingItem) => {
    if (item.kind === 'local-copy-not-shredded' && item.path !== null) {
      const filePath = item.path;
      return (
        <button type="button" disabled={busy} onClick={() => act(() => call('cleanup.shred', { paths: [filePath], sessionId: item.sessionId }))} data-testid="pending-shred">
          Shred it now
        </button>
      );
    }
    if ((item.kind === 'drive-holds-archive' || item.kind === 'wipe-interrupted') && item.path !== null) {
      // Offered only once the same drive is back (its serial, or its path and size), wherever it is now.
      if (item.driveState === 'absent') return <em data-testid="pending-plug-in">Plug it back in to finish it.</em>;
      if (item.driveState === 'other-drive') return <em data-testid="pending-other-drive">Another drive is at {item.path} now: plug this one back in to finish it.</em>;
      const drivePath = item.foundAt ?? item.path;
      return (
        <button type="button" disabled={busy} onClick={() => onSanitize(drivePath, item.sessionId)} data-testid="pending-sanitize">
          Sanitize this drive
        </button>
      );
    }
    return null;
  };
  return (
    <section className="pending" aria-labelledby="pending-title" data-testid="pending">
      <h2 id="pending-title">Left unfinished</h2>
      <ul>
        {items.map((item) => (
          <li key={`${item.sessionId}-${item.kind}-${item.path ?? ''}`} data-kind={item.kind}>
            <span>{item.text}</span> {action(item)}{' '}
            <button type="button" className="link" disabled={busy} onClick={() => act(() => call('session.finish', { sessionId: item.sessionId }))}>
              Dismiss
            </button>
          </li>
        ))}
      </ul>
      <ErrorNotice error={error} />
    </section>
  );
}
