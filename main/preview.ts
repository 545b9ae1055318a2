/**
 * `npm run preview`: serves the built renderer in any browser with the real core behind it.
 * Training mode only (simulator, virtual drives) unless started with --allow-real-drives.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from './core/app';
import { resolveEndpoint } from './core/registration/endpoint';
import { createHandlerTable } from './ipc';
import { previewDialogs } from './preview/dialogs';
import { startPreviewServer } from './preview/server';
import { createCoreServices } from './services';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'allow-real-drives': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      endpoint: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('Usage: npm run preview -- [--port N] [--allow-real-drives [--endpoint URL]] [--data-dir DIR]\n\nServes the wizard on 127.0.0.1 behind a per-run token. Training mode only unless --allow-real-drives;\nthen --endpoint points it at another Panorama endpoint (https, or a simulator on 127.0.0.1) instead of AWS.\nIts data (Training world, journal, audit log, saved certificates and bundles) lives in --data-dir,\nby default the preview folder of the app\'s data folder.\n');
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, got ${values.port}`);
  const allowRealDrives = values['allow-real-drives'];
  if (values.endpoint !== undefined && !allowRealDrives) throw new Error('--endpoint is for real drives: Training mode has its own simulator. Add --allow-real-drives, or leave --endpoint out.');
  // Checked now (https, or loopback http; no credentials in it) rather than at the first request.
  if (values.endpoint !== undefined) resolveEndpoint(values.endpoint);
  // Its own data folder: a preview must not share the Training world or journal of a running app.
  const dataDir = path.resolve(values['data-dir'] ?? path.join(defaultDataDir(), 'preview'));
  const services = createCoreServices({ shell: 'preview', trainingMode: !allowRealDrives, trainingModeLocked: !allowRealDrives, dataDir, dialogs: previewDialogs(dataDir), ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }), diskWorkerScript: path.join(__dirname, 'main', 'disk-worker.cjs') });
  const server = await startPreviewServer({
    rendererDir: path.join(__dirname, 'renderer'),
    bridgeScriptPath: path.join(__dirname, 'preview', 'bridge.js'),
    services,
    table: createHandlerTable(services),
    port,
  });
  process.stdout.write(
    `panorama-usb preview (${allowRealDrives ? 'real drives allowed' : 'Training mode only'}), data in ${dataDir}\nOpen: ${server.url}\nPress Ctrl+C to stop.\n`,
  );
  const stop = (): void => {
    void server
      .close()
      .then(() => services.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`preview failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
