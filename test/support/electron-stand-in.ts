/**
 * A stand-in Electron distribution for packaging offline (the Electron binary cannot be downloaded
 * here): a folder with an `electron` executable and a `version` file, as electron-builder's
 * `electronDist` wants. The executable carries Electron's fuse wire — the sentinel
 * @electron/fuses looks for, the wire's version (1), its length (8) and eight fuses at Electron's
 * defaults — so electron-builder flips the fuses as it would in a real Electron, and they can be
 * read back from the packaged executable. It runs nothing but a shell line.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { SENTINEL } = require('@electron/fuses/dist/constants') as { SENTINEL: string };

const ENABLE = 0x31;
const DISABLE = 0x30;
/** Electron's own defaults, in wire order: RunAsNode, CookieEncryption, NODE_OPTIONS, inspect arguments, asar integrity, only-load-from-asar, browser V8 snapshot, file protocol privileges. */
const ELECTRON_DEFAULTS = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE];

export function electronStandIn(version: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'electron-stand-in-'));
  const executable = path.join(dir, 'electron');
  writeFileSync(executable, Buffer.concat([Buffer.from('#!/bin/sh\necho "a stand-in for Electron: it cannot run the app" >&2\nexit 1\n'), Buffer.from(SENTINEL, 'latin1'), Buffer.from([1, ELECTRON_DEFAULTS.length, ...ELECTRON_DEFAULTS])]));
  chmodSync(executable, 0o755);
  writeFileSync(path.join(dir, 'version'), version);
  return dir;
}
