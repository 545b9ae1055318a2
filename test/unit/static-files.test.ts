import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mimeTypeFor, resolveStaticPath } from '../../main/static-files';

const root = path.resolve('/srv/renderer');

describe('resolveStaticPath', () => {
  it('serves index.html for the root and files under the folder', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-1.js')).toBe(path.join(root, 'assets', 'index-1.js'));
  });

  it('refuses anything that escapes the folder or is malformed', () => {
    expect(resolveStaticPath(root, '/../secret.txt')).toBeNull();
    expect(resolveStaticPath(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveStaticPath(root, '/assets/..%5c..%5cfile')).toBeNull();
    expect(resolveStaticPath(root, '/a%00b')).toBeNull();
    expect(resolveStaticPath(root, '/%E0%A4%A')).toBeNull();
    expect(resolveStaticPath('/srv/renderer', '/../renderer-evil/x.js')).toBeNull();
  });

  it('names content types', () => {
    expect(mimeTypeFor('a/index.html')).toMatch(/^text\/html/);
    expect(mimeTypeFor('b.js')).toMatch(/^text\/javascript/);
    expect(mimeTypeFor('c.bin')).toBe('application/octet-stream');
  });
});
