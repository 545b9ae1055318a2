import { describe, expect, it } from 'vitest';
import { CliRuntime } from '../../main/cli/runtime';
import packageJson from '../../package.json';
import { parseSingleJson, runBin } from '../support/cli';

const CONTRACT_COMMANDS = ['drives', 'inspect', 'format', 'files', 'write', 'provision', 'monitor', 'collect-logs', 'sanitize', 'shred', 'scan-leftovers', 'simulate', 'appliance'];

describe('panorama-usb (the built bin)', () => {
  it('--help lists every command of the contract and the exit codes', () => {
    const run = runBin(['--help']);
    expect(run.status).toBe(0);
    for (const command of CONTRACT_COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(run.stdout).toContain('Exit codes: 0 done, 1 failed, 2 input refused, 3 cancelled or timed out.');
  });

  it('--version prints the package version, as text or as one JSON document', () => {
    expect(runBin(['--version'])).toMatchObject({ status: 0, stdout: `${packageJson.version}\n` });
    const json = runBin(['--version', '--json']);
    expect(json.status).toBe(0);
    expect(parseSingleJson(json.stdout)).toEqual({ ok: true, version: packageJson.version });
  });

  it('info --json reports real facts about this machine', () => {
    const run = runBin(['info', '--json']);
    expect(run.status).toBe(0);
    const doc = parseSingleJson(run.stdout);
    expect(doc).toMatchObject({ ok: true, info: { version: packageJson.version, platform: process.platform, elevated: process.geteuid?.() === 0, driveAccess: process.geteuid?.() === 0 ? 'direct' : 'udisks2', platformSupport: 'tested' } });
    const text = runBin(['info']);
    expect(text.stdout).toMatch(/^platform status: drive access on Linux is tested in CI/m);
  });

  it('global options work after the command too', () => {
    const run = runBin(['info', '--verbose', '--json']);
    expect(run.status).toBe(0);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: true });
  });

  it.each([
    [['bogus'], 'UNKNOWN_COMMAND'],
    [['format'], 'MISSING_ARGUMENT'],
    [['sanitize', 'disk.img', '--method', 'shred-it'], 'INVALID_ARGUMENT'],
    [['sanitize', 'disk.img'], 'MISSING_ARGUMENT'],
    [['info', '--frobnicate'], 'UNKNOWN_OPTION'],
    [['inspect', 'a.zip', 'b.zip'], 'TOO_MANY_ARGUMENTS'],
    [[], 'NO_COMMAND'],
  ])('refuses %j with exit 2 and {"ok":false,"error":{"code":"%s"}}', (args, code) => {
    const run = runBin([...args, '--json']);
    expect(run.status).toBe(2);
    const doc = parseSingleJson(run.stdout);
    expect(doc).toMatchObject({ ok: false, error: { code } });
    expect((doc.error as { message: string }).message.length).toBeGreaterThan(10);
  });

  it('explains refusals on stderr without --json', () => {
    const run = runBin(['bogus']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error UNKNOWN_COMMAND');
    expect(run.stderr).toContain('next step:');
  });
});

describe('CLI confirmation', () => {
  const io = (answer: string | null) => {
    const errors: string[] = [];
    return {
      errors,
      io: {
        stdout: () => undefined,
        stderr: (text: string) => errors.push(text),
        isInteractive: answer !== null,
        ask: () => Promise.resolve(answer ?? ''),
      },
    };
  };

  it('refuses destructive work without a terminal unless --yes', async () => {
    const { io: noTty } = io(null);
    const runtime = new CliRuntime({ json: true, yes: false, verbose: false }, noTty);
    await expect(runtime.confirm('Format', '/dev/sdz (32 GB)')).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED', outcome: 'refused' });
    const yes = new CliRuntime({ json: true, yes: true, verbose: false }, noTty);
    await expect(yes.confirm('Format', '/dev/sdz (32 GB)')).resolves.toBeUndefined();
  });

  it('goes ahead only on the exact answer', async () => {
    await expect(new CliRuntime({ json: false, yes: false, verbose: false }, io('yes').io).confirm('Format', 'x')).resolves.toBeUndefined();
    await expect(new CliRuntime({ json: false, yes: false, verbose: false }, io('y').io).confirm('Format', 'x')).rejects.toMatchObject({ code: 'NOT_CONFIRMED' });
    await expect(new CliRuntime({ json: false, yes: false, verbose: false }, io('2').io).confirm('Sanitize', '2 drives', { typed: '2' })).resolves.toBeUndefined();
  });
});
