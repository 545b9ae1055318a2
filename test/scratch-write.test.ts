import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { startFaultyDrive } from './support/faulty-drive';
import { realisticArchive } from './support/archives';
import { runBinAsync } from './support/cli';
const MiB = 1024 * 1024;
it.each([{ readErrors: [[3 * MiB, 12 * MiB]] }, { writeErrors: [[3 * MiB, 12 * MiB]] }, { writeErrors: [[3 * MiB, 12 * MiB]], readErrors: [[3 * MiB, 12 * MiB]] }])('shows %j', async (plan) => {
  const d = await startFaultyDrive(1100 * MiB, plan as never);
  writeFileSync('/tmp/certificates-omni_x.zip', realisticArchive());
  const r = await runBinAsync(['write', '/tmp/certificates-omni_x.zip', d.device, '--yes', '--json'], { env: { PANORAMA_USB_DATA_DIR: '/tmp/scratch-data' } });
  console.log(JSON.stringify(plan), r.status, r.stdout, r.stderr.slice(0, 500), JSON.stringify(d.stats()));
  await d.stop();
}, 60000);
