/**
 * A file path that may be long (a certificate deep in someone's Documents): shortened in the
 * middle, where the least telling part of a path is, so its start (the drive or home folder) and
 * its end (the file's name) stay visible. The whole path is in the tooltip, is what assistive
 * technology reads, and is shown in full while the path has the focus.
 */

const HEAD = 16;
const TAIL = 28;

/** The path with its middle replaced by "…", or the path itself when it is short enough. Counts characters, not UTF-16 units. */
export function shortenMiddle(path: string, head = HEAD, tail = TAIL): string {
  const characters = Array.from(path);
  if (characters.length <= head + tail + 1) return path;
  return `${characters.slice(0, head).join('')}…${characters.slice(characters.length - tail).join('')}`;
}

export function MiddlePath({ path, testId }: { path: string; testId?: string }) {
  const short = shortenMiddle(path);
  if (short === path) {
    return (
      <code className="middle-path" title={path} data-testid={testId}>
        {path}
      </code>
    );
  }
  return (
    // Focusable so a keyboard user can reveal what the "…" hides; the full form is the one read aloud.
    <code className="middle-path middle-path--shortened" title={path} tabIndex={0} data-testid={testId}>
      <span className="middle-path__short" aria-hidden="true">
        {short}
      </span>
      <span className="middle-path__full">{path}</span>
    </code>
  );
}
