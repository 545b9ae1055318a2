/**
 * The browser preview: the built renderer plus the same handler table the app uses, over HTTP
 * on 127.0.0.1 only, behind a random per-run token. For the e2e tests, demos on machines
 * without Electron, and scripting the UI.
 *
 * Auth: the printed URL carries `?token=…`; opening it sets an HttpOnly SameSite=Strict cookie
 * and redirects to the clean URL. Scripts may send `Authorization: Bearer <token>` instead.
 * The Host header must name our loopback address (DNS-rebinding guard) and state-changing
 * requests must come from our own origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { securityHeaders } from '../csp';
import { dispatch, forwardEvents, type HandlerTable } from '../ipc';
import type { CoreServices } from '../services';
import { mimeTypeFor, resolveStaticPath } from '../static-files';

export const PREVIEW_HOST = '127.0.0.1';
const COOKIE_NAME = 'panorama_preview';
const MAX_BODY_BYTES = 1024 * 1024;

export interface PreviewServerOptions {
  rendererDir: string;
  bridgeScriptPath: string;
  services: CoreServices;
  table: HandlerTable;
  port?: number;
  token?: string;
}

export interface PreviewServer {
  /** The URL to open: it carries the token. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE_NAME) return value.join('=');
  }
  return null;
}

function send(response: http.ServerResponse, status: number, body: string | Buffer, contentType: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...securityHeaders(), 'Content-Type': contentType, ...extra });
  response.end(body);
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  send(response, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function sendError(response: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { ok: false, error: { code, message } });
}

async function readBody(request: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Injects the bridge before the app's own (deferred, module) script, so window.provisioner exists first. */
function withBridgeScript(html: string): string {
  return html.replace(/<head>/i, '<head>\n    <script src="/bridge.js"></script>');
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const eventStreams = new Set<http.ServerResponse>();
  let allowedHosts: Set<string> = new Set();
  let origin = '';

  const stopForwarding = forwardEvents(options.services, (channel, payload) => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const stream of eventStreams) stream.write(frame);
  });

  const isAuthorized = (request: http.IncomingMessage): boolean => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const cookie = cookieToken(request.headers.cookie);
    return (bearer !== undefined && tokensEqual(bearer, token)) || (cookie !== null && tokensEqual(cookie, token));
  };

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    if (!allowedHosts.has(request.headers.host ?? '')) {
      sendError(response, 421, 'WRONG_HOST', 'This preview only answers on its own 127.0.0.1 address.');
      return;
    }
    const url = new URL(request.url ?? '/', origin);
    const queryToken = url.searchParams.get('token');
    if (request.method === 'GET' && queryToken !== null) {
      if (!tokensEqual(queryToken, token)) {
        sendError(response, 401, 'BAD_TOKEN', 'The token in this URL is not this run\'s token. Open the URL printed by `npm run preview`.');
        return;
      }
      url.searchParams.delete('token');
      response.writeHead(303, {
        ...securityHeaders(),
        Location: `${url.pathname}${url.search}`,
        'Set-Cookie': `${COOKIE_NAME}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      response.end();
      return;
    }
    if (!isAuthorized(request)) {
      sendError(response, 401, 'TOKEN_REQUIRED', 'Open the URL printed by `npm run preview`: it carries this run\'s token.');
      return;
    }

    if (url.pathname.startsWith('/api/invoke/')) {
      if (request.method !== 'POST') {
        sendError(response, 405, 'METHOD_NOT_ALLOWED', 'Invoke channels take POST with a JSON body.');
        return;
      }
      const requestOrigin = request.headers.origin;
      if (requestOrigin !== undefined && requestOrigin !== origin) {
        sendError(response, 403, 'FOREIGN_ORIGIN', 'Requests from other origins are refused.');
        return;
      }
      if (request.headers['content-type']?.split(';')[0]?.trim() !== 'application/json') {
        sendError(response, 415, 'JSON_REQUIRED', 'Send the request as application/json.');
        return;
      }
      const body = await readBody(request);
      if (body === null) {
        sendError(response, 413, 'REQUEST_TOO_LARGE', 'The request body is larger than 1 MiB.');
        return;
      }
      let payload: unknown;
      try {
        payload = body.length === 0 ? {} : JSON.parse(body);
      } catch {
        sendError(response, 400, 'INVALID_JSON', 'The request body is not valid JSON.');
        return;
      }
      const channel = decodeURIComponent(url.pathname.slice('/api/invoke/'.length));
      sendJson(response, 200, await dispatch(options.table, channel, payload));
      return;
    }

    if (url.pathname === '/api/events' && request.method === 'GET') {
      response.writeHead(200, { ...securityHeaders(), 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      response.write(': connected\n\n');
      eventStreams.add(response);
      request.on('close', () => eventStreams.delete(response));
      return;
    }

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendError(response, 405, 'METHOD_NOT_ALLOWED', 'Only GET is served here.');
      return;
    }
    if (url.pathname === '/bridge.js') {
      send(response, 200, await readFile(options.bridgeScriptPath), mimeTypeFor('bridge.js'));
      return;
    }
    const file = resolveStaticPath(options.rendererDir, url.pathname);
    if (file === null) {
      sendError(response, 404, 'NOT_FOUND', 'No such file.');
      return;
    }
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      sendError(response, 404, 'NOT_FOUND', 'No such file.');
      return;
    }
    if (file.endsWith('.html')) {
      send(response, 200, withBridgeScript(content.toString('utf8')), mimeTypeFor(file));
    } else {
      send(response, 200, content, mimeTypeFor(file));
    }
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendError(response, 500, 'INTERNAL_ERROR', 'The preview server failed to answer.');
      else response.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, PREVIEW_HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${PREVIEW_HOST}:${port}`;
  allowedHosts = new Set([`${PREVIEW_HOST}:${port}`, `localhost:${port}`]);

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: async () => {
      stopForwarding();
      for (const stream of eventStreams) stream.end();
      eventStreams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
