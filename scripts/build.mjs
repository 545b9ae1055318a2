// Builds everything `npm start`, the CLI and the preview need into dist/:
// Node-side bundles with esbuild (dependencies stay external and load from node_modules),
// the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const quiet = process.argv.includes('--quiet');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

await rm(dist, { recursive: true, force: true });
await Promise.all([
  esbuild({ ...node, entryPoints: ['main/index.ts'], outfile: 'dist/main/index.cjs', external: ['electron'] }),
  // FatFs's synchronous writes run in this worker thread, off the app's main thread.
  esbuild({ ...node, entryPoints: ['main/core/offthread/worker.ts'], outfile: 'dist/main/disk-worker.cjs' }),
  esbuild({ ...node, entryPoints: ['main/cli.ts'], outfile: 'dist/cli.cjs' }),
  esbuild({ ...node, entryPoints: ['main/preview.ts'], outfile: 'dist/preview.cjs' }),
  esbuild({ ...node, entryPoints: ['bench/index.ts'], outfile: 'dist/bench.cjs' }),
  // Run by the access benchmark as root and as an unprivileged user, side by side.
  esbuild({ ...node, entryPoints: ['bench/access-probe.ts'], outfile: 'dist/bench-access-probe.cjs' }),
  // The sandboxed preload may only require('electron'): everything else is bundled in.
  esbuild({ ...node, packages: undefined, target: 'chrome130', entryPoints: ['preload/index.ts'], outfile: 'dist/preload/index.cjs', external: ['electron'] }),
  // The preview's bridge runs in the page, like the preload but over HTTP.
  esbuild({ bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', logLevel: 'warning', absWorkingDir: root, entryPoints: ['preload/web.ts'], outfile: 'dist/preview/bridge.js' }),
]);
await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
if (!quiet) console.log('built dist/ (main, preload, cli, preview, renderer)');
