/**
 * The disk worker: FatFs's disk callbacks are synchronous, so formatting and writing a FAT32
 * volume blocks the thread that runs them for as long as the drive takes (about a second for
 * a slow USB stick). In the desktop app that thread must not be the Electron main thread, which
 * also answers the window: the write runs here, in a worker thread, and reports its phases.
 */
import { parentPort } from 'node:worker_threads';
import { writeArchive } from '../archive';
import { BlockTarget, formatTarget } from '../disk';
import { toPanoramaUsbError } from '../errors';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (port === null) throw new Error('the disk worker must run in a worker thread');
const controller = new AbortController();
const send = (message: FromWorker): void => port.postMessage(message);

const fail = (error: unknown): void => {
  const typed = toPanoramaUsbError(error);
  send({ type: 'error', error: { ...typed.toInfo(), outcome: typed.outcome } });
};

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    controller.abort();
    return;
  }
  if (message.type === 'format') {
    // The main thread opened the drive (exclusively) and waits; the descriptor stays its own.
    const target = BlockTarget.adopt(message.target);
    formatTarget(target, { label: message.label })
      .then((result) => send({ type: 'formatted', result }), fail)
      .finally(() => {
        target.close();
        port.close();
      });
    return;
  }
  const bytes = Buffer.from(message.bytes);
  writeArchive({ bytes, fileName: message.fileName }, message.chosen, {
    format: message.format,
    signal: controller.signal,
    ...(message.label === undefined ? {} : { label: message.label }),
    onPhase: (phase) => send({ type: 'phase', phase }),
  })
    .then(
      (report) => send({ type: 'done', report }),
      fail,
    )
    .finally(() => {
      // The only copy in this thread: overwritten before the worker goes.
      bytes.fill(0);
      port.close();
    });
});
