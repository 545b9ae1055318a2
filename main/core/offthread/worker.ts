/**
 * The disk worker: FatFs's disk callbacks are synchronous, so formatting and writing a FAT32
 * volume blocks the thread that runs them for as long as the drive takes (about a second for
 * a slow USB stick). In the desktop app that thread must not be the Electron main thread, which
 * also answers the window: the write runs here, in a worker thread, and reports its phases.
 * Wipe passes run here too (pass-host): their keystream is made and collected in this small heap,
 * and their CPU time is not the main thread's.
 */
import { parentPort } from 'node:worker_threads';
import { BlockTarget, formatTarget } from '../disk';
import { toPanoramaUsbError } from '../errors';
import { PassHost } from './pass-host';
import type { FormatRequest, FromWorker, ToWorker, WriteRequest } from './protocol';

if (parentPort === null) throw new Error('the disk worker must run in a worker thread');
const port = parentPort;
const controller = new AbortController();
const send = (message: FromWorker): void => port.postMessage(message);

const fail = (error: unknown): void => {
  const typed = toPanoramaUsbError(error);
  send({ type: 'error', error: { ...typed.toInfo(), outcome: typed.outcome } });
};

/** A pass session, when this worker was started for one (see pass-host). */
let passes: PassHost | null = null;

function writeVolumeHere(message: WriteRequest): void {
  const bytes = Buffer.from(message.bytes);
  // The main thread opened the drive (exclusively, checked) and waits; the descriptor stays its own.
  const target = BlockTarget.adopt(message.target);
  // Loaded on demand: the archive code brings zod and the drive list, which pass sessions (a worker
  // per pass) would otherwise load for nothing at every start.
  import('../archive')
    .then(({ writeArchiveVolume }) => writeArchiveVolume(target, { bytes, fileName: message.fileName }, {
      format: message.format,
      signal: controller.signal,
      ...(message.label === undefined ? {} : { label: message.label }),
      onPhase: (phase) => send({ type: 'phase', phase }),
    }))
    .then(
      (result) => send({ type: 'written', result }),
      fail,
    )
    .finally(() => {
      // The only copy in this thread: overwritten before the worker goes.
      bytes.fill(0);
      target.close();
      port.close();
    });
}

function formatHere(message: FormatRequest): void {
  // The main thread opened the drive (exclusively) and waits; the descriptor stays its own.
  const target = BlockTarget.adopt(message.target);
  formatTarget(target, { label: message.label, ...(message.requireFat32 === undefined ? {} : { requireFat32: message.requireFat32 }) })
    .then((result) => send({ type: 'formatted', result }), fail)
    .finally(() => {
      target.close();
      port.close();
    });
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'cancel':
      controller.abort();
      passes?.cancel();
      return;
    case 'format':
      formatHere(message);
      return;
    case 'write-volume':
      writeVolumeHere(message);
      return;
    case 'pass-open':
      passes = new PassHost(message, send);
      send({ type: 'pass-ready' });
      return;
    case 'pass-write':
    case 'pass-verify':
      if (passes === null) throw new Error('no pass session is open in this worker');
      void passes.run(message);
      return;
    case 'pass-close':
      // The main thread holds the descriptor: it only learns the session is over when this worker exits.
      void (passes?.close() ?? Promise.resolve()).finally(() => port.close());
      return;
  }
});
