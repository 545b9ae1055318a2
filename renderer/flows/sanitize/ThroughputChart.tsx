/** A small line of a drive's speed over the wipe, drawn from the progress events (≤ 4 a second). */
export function ThroughputChart({ samples, label }: { samples: readonly number[]; label: string }) {
  const width = 160;
  const height = 32;
  const max = Math.max(1, ...samples);
  const points = samples.map((value, index) => `${samples.length === 1 ? 0 : (index / (samples.length - 1)) * width},${height - (value / max) * (height - 2) - 1}`).join(' ');
  return (
    <svg className="chart" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
