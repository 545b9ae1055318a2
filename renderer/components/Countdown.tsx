import { useNow } from '../lib/hooks';
import { formatDuration } from '../lib/format';

/** Time left until `until`, live; says "expired" plainly once it has passed. */
export function Countdown({ until, label }: { until: string | null; label: string }) {
  const now = useNow(1000);
  if (until === null) return null;
  const seconds = Math.round((new Date(until).getTime() - now) / 1000);
  return (
    <p className={`countdown${seconds <= 60 ? ' countdown--urgent' : ''}`} data-testid="countdown">
      {label}: <span role="timer">{seconds > 0 ? `${formatDuration(seconds)} left` : 'expired'}</span>
    </p>
  );
}
