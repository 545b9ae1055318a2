/**
 * Electron preload (sandboxed): exposes exactly one global, `window.provisioner`, derived from
 * the contract. ipcRenderer itself never reaches the page and listeners never see the IPC event.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createProvisionerApi } from './api';
import { IPC_EVENT_PREFIX, IPC_INVOKE_PREFIX } from './channels';

const api = createProvisionerApi({
  invoke: (channel, request) => ipcRenderer.invoke(`${IPC_INVOKE_PREFIX}${channel}`, request),
  subscribe: (channel, listener) => {
    const wireChannel = `${IPC_EVENT_PREFIX}${channel}`;
    const handler = (_event: Electron.IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(wireChannel, handler);
    return () => {
      ipcRenderer.removeListener(wireChannel, handler);
    };
  },
}, {
  // Only the dropped file's path crosses, never its bytes: the archive is read in main, in memory.
  pathForFile: (file) => {
    try {
      const filePath = webUtils.getPathForFile(file as File);
      return filePath === '' ? null : filePath;
    } catch {
      return null;
    }
  },
});

contextBridge.exposeInMainWorld('provisioner', api);
