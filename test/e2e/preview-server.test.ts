/**
 * The browser preview's server: loopback only, token required, DNS-rebinding and cross-origin
 * guards, the real handler table behind it, and core events streamed to the page.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from '../../main/preview/server';
import type { CoreServices } from '../../main/services';
import { startTestPreview } from '../support/preview';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** http.request rather than fetch: fetch will not let us forge the Host header. */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the preview server', () => {
  let server: PreviewServer;
  let services: CoreServices;
  let dataDir: string;
  const bearer = (): Record<string, string> => ({ authorization: `Bearer ${server.token}` });

  beforeAll(async () => {
    ({ server, services, dataDir } = await startTestPreview());
  });
  afterAll(async () => {
    await server.close();
    // Its data folder is this test's own: nothing of it stays in /tmp.
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, with a long random token', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses every path without the token', async () => {
    for (const path of ['/', '/index.html', '/bridge.js', '/api/events']) {
      const response = await request(`${server.origin}${path}`);
      expect(response.status, path).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ ok: false, error: { code: 'TOKEN_REQUIRED' } });
    }
    const invoke = await request(`${server.origin}/api/invoke/app.info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(invoke.status).toBe(401);
  });

  it('refuses a wrong token', async () => {
    const response = await request(`${server.origin}/?token=${'A'.repeat(server.token.length)}`);
    expect(response.status).toBe(401);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('trades the URL token for an HttpOnly SameSite=Strict cookie and serves the page with the bridge', async () => {
    const redirect = await request(server.url);
    expect(redirect.status).toBe(303);
    expect(redirect.headers.location).toBe('/');
    const cookie = redirect.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await request(`${server.origin}/`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/bridge.js"></script>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('answers contract channels with the real core, Training mode locked', async () => {
    const response = await request(`${server.origin}/api/invoke/app.info`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true, value: { shell: 'preview', trainingMode: true, trainingModeLocked: true } });
  });

  it('validates payloads with the contract', async () => {
    const response = await request(`${server.origin}/api/invoke/job.cancel`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: '{"jobId":42}' });
    expect(JSON.parse(response.body)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const unknown = await request(`${server.origin}/api/invoke/shell.openExternal`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: '{}' });
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('refuses a foreign Host header (DNS rebinding), a foreign Origin and non-JSON bodies', async () => {
    const port = new URL(server.origin).port;
    const rebound = await request(`${server.origin}/api/invoke/app.info`, { method: 'POST', headers: { ...bearer(), host: `attacker.example:${port}`, 'content-type': 'application/json' }, body: '{}' });
    expect(rebound.status).toBe(421);
    const foreign = await request(`${server.origin}/api/invoke/app.info`, { method: 'POST', headers: { ...bearer(), origin: 'https://attacker.example', 'content-type': 'application/json' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const simple = await request(`${server.origin}/api/invoke/app.info`, { method: 'POST', headers: { ...bearer(), 'content-type': 'text/plain' }, body: '{}' });
    expect(simple.status).toBe(415);
  });

  it('does not serve files outside the renderer', async () => {
    const response = await request(`${server.origin}/..%2f..%2fpackage.json`, { headers: bearer() });
    expect(response.status).toBe(404);
  });

  it('streams core events to the page as server-sent events', async () => {
    const frames = await new Promise<string>((resolve, reject) => {
      const req = http.get(`${server.origin}/api/events`, { headers: bearer() }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('event: job.progress') && text.includes('event: job.ended') && text.endsWith('\n\n')) {
            req.destroy();
            resolve(text);
          }
        });
        // Once connected, run a real job in the same core.
        const { result } = services.jobs.start('write', (context) => {
          context.progress('write', 512, 1024, { final: true });
          return Promise.resolve();
        });
        result.catch(reject);
      });
      req.on('error', reject);
    });
    expect(frames).toMatch(/event: job\.progress\ndata: \{"jobId":"[0-9a-f-]+","phase":"write","bytesDone":512,"bytesTotal":1024/);
    expect(frames).toMatch(/event: job\.ended\ndata: \{[^\n]*"outcome":"succeeded"/);
  });
});

describe('npm run preview (the built command)', () => {
  it('prints a tokenised 127.0.0.1 URL that serves the app, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['dist/preview.cjs'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`preview exited early with ${code}: ${out}`)));
      });
      expect(out).toContain('Training mode only');
      const response = await request(url);
      expect(response.status).toBe(303);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
