/** `npm run bench`: performance goals as ratios measured side by side in one run. */
import { benchArchive } from './archive';
import { benchDisk } from './disk';
import { benchRegistration } from './registration';
import { benchSanitize } from './sanitize';

async function main(): Promise<void> {
  console.log(`panorama-usb benchmarks — ${new Date().toISOString()} — node ${process.version}, ${process.platform}`);
  await benchDisk();
  await benchArchive();
  await benchRegistration();
  await benchSanitize();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
