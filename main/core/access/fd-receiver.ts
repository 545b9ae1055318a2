/**
 * Receiving an open descriptor from a helper that opened the drive for us — macOS's authopen with
 * -stdoutpipe — without our process ever running as root. The helper's stdout is one end of a
 * local socket; it sends the descriptor as SCM_RIGHTS, which a pipe cannot carry and Node's own
 * sockets drop, so the other end is read with usocket: the same native part that takes UDisks2's
 * descriptors over D-Bus on Linux. The socket lives in a private folder of its own (0700) for the
 * moment the two ends connect; nothing but the descriptor passes through it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

/** How long to wait for the socket's end once the helper has exited. */
const END_WAIT_MS = 2000;

interface UsocketEnd {
  fd?: number;
  on(event: 'fds', listener: (fds: number[]) => void): this;
  on(event: 'data' | 'error' | 'connected' | 'end', listener: (value?: unknown) => void): this;
  once(event: 'connected', listener: () => void): this;
  destroy(): void;
  connect(path: string): void;
}
interface UsocketServer {
  listen(path: string, callback: () => void): void;
  on(event: 'connection', listener: (socket: UsocketEnd) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  close(): void;
}
interface UsocketModule {
  USocket: new () => UsocketEnd;
  UServer: new () => UsocketServer;
}

export interface ReceivedDescriptor {
  /** The descriptor the helper sent, or null when it sent none. */
  fd: number | null;
  status: number | null;
  /** What the helper said on stderr (authopen's reason when it refused). */
  stderr: string;
}

/** The usocket module, or null when it was not built (the caller says what that means). */
export function loadUsocket(): UsocketModule | null {
  try {
    return createRequire(__filename)('usocket') as UsocketModule;
  } catch {
    return null;
  }
}

/** Two connected ends of a local socket in this process: [ours, the one the helper gets as stdout]. */
async function socketPair(usocket: UsocketModule, socketPath: string): Promise<[UsocketEnd, UsocketEnd, UsocketServer]> {
  const server = new usocket.UServer();
  const accepted = new Promise<UsocketEnd>((resolve) => server.on('connection', resolve));
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(socketPath, resolve);
  });
  const theirs = new usocket.USocket();
  const connected = new Promise<void>((resolve, reject) => {
    theirs.once('connected', resolve);
    theirs.on('error', reject);
  });
  theirs.connect(socketPath);
  const [ours] = await Promise.all([accepted, connected]);
  return [ours, theirs, server];
}

/**
 * Runs `command` with its stdout on a local socket and resolves with the descriptor it sent (if
 * any) once it exits. A descriptor sent by a helper that then failed is closed, never used.
 */
export async function receiveDescriptor(usocket: UsocketModule, command: string, args: readonly string[]): Promise<ReceivedDescriptor> {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'panorama-usb-open-'));
  let server: UsocketServer | null = null;
  let ours: UsocketEnd | null = null;
  const received: number[] = [];
  try {
    const [mine, theirs, listening] = await socketPair(usocket, path.join(dir, 'socket'));
    server = listening;
    ours = mine;
    mine.on('fds', (fds) => received.push(...fds));
    // Read what comes with the descriptor (authopen sends a byte), so the end of the stream is seen:
    // everything the helper sent has arrived once it has, whatever order the exit is seen in.
    const ended = new Promise<void>((resolve) => {
      mine.on('end', () => resolve());
      mine.on('error', () => resolve());
    });
    mine.on('data', () => undefined);
    const theirFd = theirs.fd;
    if (theirFd === undefined) throw new Error('the local socket has no descriptor');
    const child = spawn(command, [...args], { stdio: ['ignore', theirFd, 'pipe'], windowsHide: true });
    // The helper holds its end now: ours is closed (not shut down, which would end theirs too).
    theirs.destroy();
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    const status = await new Promise<number | null>((resolve) => {
      child.on('error', (error) => {
        stderr += error.message;
        resolve(null);
      });
      child.on('close', (code) => resolve(code));
    });
    // A helper that left its stdout to a process still running would hold the end back: not long.
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, END_WAIT_MS).unref())]);
    const [fd, ...extra] = received.splice(0);
    for (const other of extra) fs.closeSync(other);
    if (fd !== undefined && status !== 0) {
      fs.closeSync(fd);
      return { fd: null, status, stderr };
    }
    return { fd: fd ?? null, status, stderr };
  } finally {
    for (const fd of received) fs.closeSync(fd);
    ours?.destroy();
    server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
