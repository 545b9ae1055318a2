import type { ReactNode } from 'react';
import { formatBytes, formatDuration, percent } from '../lib/format';

/** A labelled bar; speed and time left when known. Updates arrive at most 4 times a second. */
export function ProgressBar({ label, done, total, bytesPerSecond, etaSeconds, bytes = true, children }: { label: string; done: number; total: number; bytesPerSecond?: number; etaSeconds?: number | null; bytes?: boolean; children?: ReactNode }) {
  const value = percent(done, total);
  return (
    <div className="progress">
      <div className="progress__label">
        <span>{label}</span>
        <span>
          {value}%{bytes && bytesPerSecond !== undefined && bytesPerSecond > 0 ? ` · ${formatBytes(bytesPerSecond)}/s` : ''}
          {etaSeconds !== undefined && etaSeconds !== null ? ` · ${formatDuration(etaSeconds)} left` : ''}
        </span>
      </div>
      <progress max={100} value={value} aria-label={label} aria-valuetext={`${value}%`} />
      {children}
    </div>
  );
}
