/**
 * Botocore — AWS's own model of the Panorama API, which nobody here wrote (Debian's
 * python3-botocore) — against the simulator; and the IAM policy's actions checked against the
 * operations that model defines, so `iam-policy` never grants a name that is not a real action.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildIamPolicy } from '../../main/core/registration/iam-policy';
import { closeSimulatorsAfterEachTest, testSimulator } from '../support/simulator';

const PYTHON = '/usr/bin/python3';
const hasBotocore = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;
if (!hasBotocore) console.warn('skipped: botocore tests need Debian\'s python3-botocore (installed by .ci/run)');

interface Probe {
  operations: string[];
  provisioned: { DeviceId: string; Status: string; hasCertificates: boolean };
  described: { DeviceId: string; Name: string; ProvisioningStatus: string };
  listed: string[];
}

describe.skipIf(!hasBotocore)('botocore against the simulator', () => {
  closeSimulatorsAfterEachTest();

  it("parses ProvisionDevice, DescribeDevice and ListDevices by AWS's model, and the policy's actions are all real operations of it", async () => {
    const simulator = await testSimulator();
    // Asynchronous: the simulator answers from this process while python waits on it.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(PYTHON, ['test/support/botocore-probe.py', simulator.endpoint, 'boto-cam-01']);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const probe = JSON.parse(run.stdout) as Probe;
    expect(probe.provisioned).toMatchObject({ Status: 'AWAITING_PROVISIONING', hasCertificates: true });
    expect(probe.described).toMatchObject({ DeviceId: probe.provisioned.DeviceId, Name: 'boto-cam-01', ProvisioningStatus: 'AWAITING_PROVISIONING' });
    expect(probe.listed).toContain(probe.provisioned.DeviceId);
    expect(probe.operations.length).toBeGreaterThan(20);
    for (const action of buildIamPolicy('it-staff').actions) expect(probe.operations).toContain(action.replace(/^panorama:/, ''));
  });
});
