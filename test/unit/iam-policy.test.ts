/**
 * The least-privilege IAM policy: the operations are collected from the code itself (every
 * `…Command` imported from @aws-sdk/client-panorama under main/, parsed with TypeScript's own
 * parser), never from a hand list, and the policy must grant exactly those; the document is
 * checked the way IAM reads it; `iam-policy` as an administrator runs it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeDeviceCommand, ListTagsForResourceCommand } from '@aws-sdk/client-panorama';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createPanoramaClient } from '../../main/core/registration/client';
import { buildIamPolicy } from '../../main/core/registration/iam-policy';
import { PANORAMA_OPERATIONS, roleFor } from '../../main/core/registration/operations';
import { parseSingleJson, runBin } from '../support/cli';

/** Operation names of the Panorama commands a source file imports as values (type-only imports send nothing). */
function panoramaCommandsIn(source: string, fileName = 'source.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const found: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text !== '@aws-sdk/client-panorama') continue;
    const clause = statement.importClause;
    if (clause === undefined || clause.phaseModifier === ts.SyntaxKind.TypeKeyword || clause.namedBindings === undefined || !ts.isNamedImports(clause.namedBindings)) continue;
    for (const element of clause.namedBindings.elements) {
      const imported = (element.propertyName ?? element.name).text;
      if (!element.isTypeOnly && imported.endsWith('Command')) found.push(imported.slice(0, -'Command'.length));
    }
  }
  return found;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const calledOperations = (): string[] => [...new Set(sourceFiles('main').flatMap((file) => panoramaCommandsIn(readFileSync(file, 'utf8'), file)))].sort();

describe('the operations the code calls', () => {
  it('the collector finds value imports of commands, renamed ones too, and skips type-only imports (so the check below can fail)', () => {
    const source = [
      "import { TagResourceCommand, type DescribeDeviceCommandInput, ListNodesCommand as Nodes } from '@aws-sdk/client-panorama';",
      "import type { DeleteDeviceCommand } from '@aws-sdk/client-panorama';",
      "import { ProvisionDeviceCommand } from 'somewhere-else';",
    ].join('\n');
    expect(panoramaCommandsIn(source).sort()).toEqual(['ListNodes', 'TagResource']);
  });

  it('are exactly the listed ones: a flow that starts calling a new operation fails here until the policy grants it', () => {
    const called = calledOperations();
    expect(called.length).toBeGreaterThanOrEqual(6);
    expect(called).toEqual(Object.keys(PANORAMA_OPERATIONS).sort());
  });

  it('the it-staff policy grants every called operation; the technician policy all but DeleteDevice', () => {
    const called = calledOperations().map((operation) => `panorama:${operation}`);
    expect(buildIamPolicy('it-staff').actions).toEqual([...called].sort());
    expect(buildIamPolicy('technician').actions).toEqual(called.filter((action) => action !== 'panorama:DeleteDevice').sort());
    expect(roleFor('DeleteDevice')).toBe('it-staff');
    expect(roleFor('ProvisionDevice')).toBe('technician');
  });
});

describe("the client's guard", () => {
  it('refuses an operation the policy lacks before anything is sent, and lets a listed one through', async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.method ?? ''} ${request.url ?? ''}`);
      response.writeHead(404, { 'Content-Type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
      response.end(JSON.stringify({ Message: 'no such device' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address() as AddressInfo;
      const client = createPanoramaClient({ endpoint: `http://127.0.0.1:${address.port}`, maxAttempts: 1 });
      await expect(client.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:panorama:us-east-1:123456789012:device/device-x' }))).rejects.toMatchObject({ code: 'UNLISTED_OPERATION' });
      expect(seen).toEqual([]);
      await expect(client.send(new DescribeDeviceCommand({ DeviceId: 'device-x' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      expect(seen).toEqual(['GET /devices/device-x']);
    } finally {
      server.close();
    }
  });
});

describe('the policy document', () => {
  it('is what IAM accepts: version 2012-10-17, unique alphanumeric Sids, panorama actions only, no wildcard actions', () => {
    for (const role of ['technician', 'it-staff'] as const) {
      const { policy } = buildIamPolicy(role, { region: 'us-west-2', account: '123456789012' });
      expect(policy.Version).toBe('2012-10-17');
      const sids = policy.Statement.map((statement) => statement.Sid);
      expect(new Set(sids).size).toBe(sids.length);
      for (const statement of policy.Statement) {
        expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
        expect(statement.Effect).toBe('Allow');
        for (const action of statement.Action) expect(action).toMatch(/^panorama:[A-Z][A-Za-z]+$/);
      }
    }
  });

  it('scopes the per-device actions to device ARNs (partition from the region) and leaves "*" only where the service takes no resource', () => {
    const scoped = buildIamPolicy('it-staff', { region: 'us-west-2', account: '123456789012' });
    const resourceOf = (action: string): unknown => scoped.policy.Statement.find((statement) => statement.Action.includes(action))?.Resource;
    expect(resourceOf('panorama:DescribeDevice')).toBe('arn:aws:panorama:us-west-2:123456789012:device/*');
    expect(resourceOf('panorama:DeleteDevice')).toBe('arn:aws:panorama:us-west-2:123456789012:device/*');
    for (const action of ['panorama:ProvisionDevice', 'panorama:ListDevices', 'panorama:CreateJobForDevices', 'panorama:DescribeDeviceJob']) expect(resourceOf(action)).toBe('*');
    expect(scoped.unscoped.sort()).toEqual(['panorama:CreateJobForDevices', 'panorama:DescribeDeviceJob', 'panorama:ListDevices', 'panorama:ProvisionDevice']);
    expect(buildIamPolicy('technician', { region: 'cn-north-1' }).policy.Statement.find((statement) => statement.Action.includes('panorama:DescribeDevice'))?.Resource).toBe('arn:aws-cn:panorama:cn-north-1:*:device/*');
    expect(buildIamPolicy('technician').policy.Statement.find((statement) => statement.Action.includes('panorama:DescribeDevice'))?.Resource).toBe('arn:aws:panorama:*:*:device/*');
  });
});

describe('panorama-usb iam-policy', () => {
  it('prints only the policy on stdout (so `> policy.json` works), the words on stderr', () => {
    const run = runBin(['iam-policy', '--role', 'it-staff']);
    expect(run.status).toBe(0);
    const document = JSON.parse(run.stdout) as { Version: string; Statement: { Sid: string }[] };
    expect(document.Version).toBe('2012-10-17');
    expect(document.Statement.map((statement) => statement.Sid)).toContain('DecommissionAppliances');
    expect(run.stderr).toMatch(/take no resource in AWS Panorama's authorisation model/);
  });

  it('--json carries the role, the policy and the actions; the default role is technician', () => {
    const run = runBin(['iam-policy', '--json', '--account', '123456789012']);
    expect(run.status).toBe(0);
    const doc = parseSingleJson(run.stdout) as { ok: boolean; role: string; actions: string[] };
    expect(doc).toMatchObject({ ok: true, role: 'technician' });
    expect(doc.actions).not.toContain('panorama:DeleteDevice');
    expect(doc.actions).toContain('panorama:ProvisionDevice');
  });

  it.each([
    [['iam-policy', '--role', 'admin'], 'INVALID_ARGUMENT'],
    [['iam-policy', '--account', '12345'], 'INVALID_ARGUMENT'],
    [['iam-policy', '--region', 'mars'], 'INVALID_REGION'],
  ])('refuses %j with %s (exit 2)', (args, code) => {
    const run = runBin([...args, '--json']);
    expect(run.status).toBe(2);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code } });
  });
});
