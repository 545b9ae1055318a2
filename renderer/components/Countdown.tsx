import { useNow } from '../lib/hooks';
import { formatDuration } from '../lib/format';

/**
 * Time left until `until`, live; says "expired" plainly once it has passed. Once its moment has
 * passed some other way (`over`: the registration finished), it stops counting and says why, so
 * a deadline that no longer matters does not keep suggesting urgency.
 */
export function Countdown({ until, label, over = null }: { until: string | null; label: string; over?: string | null }) {
  const now = useNow(1000);
  if (until === null) return null;
  if (over !== null) {
    return (
      <p className="countdown" data-testid="countdown" data-over="true">
        {label}: no longer counts — {over}.
      </p>
    );
  }
  const seconds = Math.round((new Date(until).getTime() - now) / 1000);
  return (
    <p className={`countdown${seconds <= 60 ? ' countdown--urgent' : ''}`} data-testid="countdown">
      {label}: <span role="timer">{seconds > 0 ? `${formatDuration(seconds)} left` : 'expired'}</span>
    </p>
  );
}
