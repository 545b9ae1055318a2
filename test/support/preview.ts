import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHandlerTable } from '../../main/ipc';
import { previewDialogs } from '../../main/preview/dialogs';
import { startPreviewServer, type PreviewServer } from '../../main/preview/server';
import { createCoreServices, type CoreServices, type ServicesOptions } from '../../main/services';

export const RENDERER_DIR = path.resolve('dist/renderer');
export const BRIDGE_SCRIPT = path.resolve('dist/preview/bridge.js');
/** The built disk worker: the preview writes archives off its main thread, as the app does. */
export const DISK_WORKER = path.resolve('dist/main/disk-worker.cjs');

/** The preview server over the real handler table and the built renderer (npm test builds first). */
export async function startTestPreview(options: Partial<ServicesOptions> = {}): Promise<{ server: PreviewServer; services: CoreServices; dataDir: string }> {
  for (const file of [path.join(RENDERER_DIR, 'index.html'), BRIDGE_SCRIPT, DISK_WORKER]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does).`);
  }
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'preview-data-'));
  const services = createCoreServices({ shell: 'preview', trainingMode: true, trainingModeLocked: true, dialogs: previewDialogs(dataDir), diskWorkerScript: DISK_WORKER, ...options, dataDir });
  const server = await startPreviewServer({ rendererDir: RENDERER_DIR, bridgeScriptPath: BRIDGE_SCRIPT, services, table: createHandlerTable(services) });
  return { server, services, dataDir };
}
