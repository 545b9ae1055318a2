/** Entry of the `panorama-usb` command (bin/panorama-usb.cjs loads the built copy of this file). */
import { runCli } from './cli/program';

let interrupted = false;
runCli(process.argv.slice(2), undefined, (runtime) => {
  process.on('SIGINT', () => {
    if (interrupted) process.exit(3);
    interrupted = true;
    process.stderr.write('\nCancelling… (press Ctrl+C again to stop at once)\n');
    runtime.controller.abort();
  });
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`panorama-usb: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
