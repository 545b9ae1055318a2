/** `npm run bench`: performance goals as ratios measured side by side in one run. */
import { benchAccess } from './access';
import { benchArchive } from './archive';
import { benchCli } from './cli';
import { benchDisk } from './disk';
import { benchFaults } from './faults';
import { benchRegistration } from './registration';
import { benchRenderer } from './renderer';
import { benchSanitize } from './sanitize';

const BENCHES: Record<string, () => Promise<void>> = {
  cli: benchCli,
  disk: benchDisk,
  archive: benchArchive,
  registration: benchRegistration,
  sanitize: benchSanitize,
  renderer: benchRenderer,
  access: benchAccess,
  faults: benchFaults,
};

/** `npm run bench` runs them all; `npm run bench -- sanitize disk` only the ones named. */
async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(BENCHES).join(', ')}`);
  console.log(`panorama-usb benchmarks — ${new Date().toISOString()} — node ${process.version}, ${process.platform}`);
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (names.length === 0 || names.includes(name)) await bench();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
