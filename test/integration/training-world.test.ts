/**
 * The Training world as the app runs it: virtual drives made in the data folder (formatted, as
 * fsck.fat sees them) and kept across restarts with the simulator's state; provisioning through
 * the real SDK client onto a virtual drive, then the simulated appliance registering it, seen
 * only through the panel events; the appliance's one port; and a reset back to the start.
 * Delays run × 0.02.
 */
import { ListDevicesCommand, type PanoramaClient } from '@aws-sdk/client-panorama';
import { rmSync, statSync, truncateSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { withVolume, PARTITION_START_LBA } from '../../main/core/disk';
import { PanoramaUsbError } from '../../main/core/errors';
import { createPanoramaClient, provisionToDrive, type ProvisionReport } from '../../main/core/registration';
import { chooseDrive } from '../../main/core/target';
import { OLD_STICK_BYTES, TrainingWorld, type AppliancePanel, type TrainingWorldOptions, type VirtualDrive } from '../../main/core/training';
import { GiB, imageDir, MiB } from '../support/images';
import { fsckFat } from '../support/tools';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const { dir, cleanup } = imageDir('training-world');
  cleanups.push(cleanup);
  return dir;
}

async function startWorld(options: Partial<TrainingWorldOptions> & { dataDir?: string } = {}): Promise<TrainingWorld> {
  const world = await TrainingWorld.start({ timeScale: 0.02, ...options, dataDir: options.dataDir ?? dataDir() });
  cleanups.push(() => world.close());
  return world;
}

function client(world: TrainingWorld): PanoramaClient {
  const sdk = createPanoramaClient({ endpoint: world.endpoint, region: world.region, maxAttempts: 1 });
  cleanups.push(() => sdk.destroy());
  return sdk;
}

function drive(world: TrainingWorld, id: string): VirtualDrive {
  const found = world.drives().find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no ${id}`);
  return found;
}

async function provision(world: TrainingWorld, driveId: string, name: string): Promise<ProvisionReport> {
  return provisionToDrive(client(world), { name }, await chooseDrive(drive(world, driveId).path));
}

/** Every panel the world emits from now on, and a way to wait for one. */
function watchPanel(world: TrainingWorld): { seen: AppliancePanel[]; until: (accept: (panel: AppliancePanel) => boolean, timeoutMs?: number) => Promise<AppliancePanel> } {
  const seen: AppliancePanel[] = [];
  world.events.on('panel', (panel) => seen.push(panel));
  const until = async (accept: (panel: AppliancePanel) => boolean, timeoutMs = 15_000): Promise<AppliancePanel> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = seen.find(accept);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out; panels seen: ${JSON.stringify(seen)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { seen, until };
}

function volumeBytes(size: number): number {
  return size - PARTITION_START_LBA * 512;
}

function driveFiles(file: string): Promise<string[]> {
  return withVolume(file, { access: 'read' }, (volume) => volume.walk().map((entry) => entry.path));
}

function thrown(work: () => unknown): PanoramaUsbError {
  try {
    work();
  } catch (error) {
    if (error instanceof PanoramaUsbError) return error;
    throw error;
  }
  throw new Error('expected a typed refusal');
}

describe('TrainingWorld.start', () => {
  it('makes 3 formatted 1 GiB drives and a reachable simulator; a restart keeps the drives untouched and the devices', async () => {
    const dir = dataDir();
    const first = await startWorld({ dataDir: dir });
    const drives = first.drives();
    expect(drives.map(({ id, label, size, inAppliance }) => ({ id, label, size, inAppliance }))).toEqual([
      { id: 'drive-1', label: 'Training drive 1', size: GiB, inAppliance: false },
      { id: 'drive-2', label: 'Training drive 2', size: GiB, inAppliance: false },
      { id: 'drive-3', label: 'Training drive 3', size: GiB, inAppliance: false },
    ]);
    for (const [index, virtual] of drives.entries()) {
      expect(virtual.path).toBe(`${dir}/training/drives/drive-${index + 1}.img`);
      expect(first.isVirtualDrive(virtual.path)).toBe(true);
      // Sparse: formatting wrote the FATs, not a gigabyte.
      expect(statSync(virtual.path).blocks * 512).toBeLessThan(64 * 1024 ** 2);
      const fsck = fsckFat(virtual.path, PARTITION_START_LBA * 512, volumeBytes(virtual.size));
      expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
      expect(fsck.stdout).not.toMatch(/(?<!\b0 )errors?|differ|corrupt/i);
      await withVolume(virtual.path, { access: 'read' }, (volume) => expect(volume.info().fatType).toBe('FAT32'));
    }
    expect(first.isVirtualDrive('/dev/sda')).toBe(false);
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${first.endpoint}/_appliance/scenario`)).json()).toEqual({ name: 'success', drivePreparation: 'none' });
    expect(first.scenario()).toBe('success');
    expect(first.scenarios().map((scenario) => scenario.name)).toContain('expired-certificate');
    expect(first.panel()).toMatchObject({ driveId: null, phase: 'unplugged', lights: 'off' });

    const { deviceId } = await provision(first, 'drive-1', 'kept-cam');
    const before = drives.map((virtual) => statSync(virtual.path));
    await first.close();

    const second = await startWorld({ dataDir: dir });
    expect(second.endpoint).not.toBe('');
    expect(second.drives().map((virtual) => virtual.path)).toEqual(drives.map((virtual) => virtual.path));
    for (const [index, virtual] of second.drives().entries()) {
      const after = statSync(virtual.path);
      expect({ ino: after.ino, mtimeMs: after.mtimeMs }).toEqual({ ino: before[index]?.ino, mtimeMs: before[index]?.mtimeMs });
    }
    expect(await driveFiles(drive(second, 'drive-1').path)).toContain('/certificates-omni_kept-cam.zip');
    const listed = await client(second).send(new ListDevicesCommand({}));
    expect(listed.Devices?.map((device) => device.DeviceId)).toEqual([deviceId]);
  });

  it('re-creates a drive that is missing or has the wrong size, and refuses options that make no sense', async () => {
    const dir = dataDir();
    const first = await startWorld({ dataDir: dir, driveCount: 2 });
    await first.close();
    truncateSync(drive(first, 'drive-1').path, 10 * 1024 ** 2);
    rmSync(drive(first, 'drive-2').path);
    const second = await startWorld({ dataDir: dir, driveCount: 2 });
    for (const virtual of second.drives()) {
      expect(statSync(virtual.path).size).toBe(GiB);
      expect(await driveFiles(virtual.path)).toEqual([]);
    }
    await expect(TrainingWorld.start({ dataDir: dir, driveBytes: 100 * 1024 ** 2 })).rejects.toMatchObject({ code: 'TRAINING_OPTIONS_INVALID', outcome: 'refused' });
    await expect(TrainingWorld.start({ dataDir: dir, driveCount: 0 })).rejects.toMatchObject({ code: 'TRAINING_OPTIONS_INVALID' });
  });
});

describe('TrainingWorld drives and appliance', () => {
  it('assessments(): the virtual drives are eligible image drives, except the one in the appliance', async () => {
    const world = await startWorld();
    const assessments = await world.assessments();
    expect(assessments).toHaveLength(3);
    for (const assessment of assessments) {
      expect(assessment).toMatchObject({ eligible: true, refusals: [], drive: { kind: 'image', size: GiB, readOnly: false, virtual: true } });
    }
    expect(assessments.map((assessment) => assessment.drive.path)).toEqual(world.drives().map((virtual) => virtual.path));
    expect(assessments[1]?.drive.description).toBe('Training drive 2 (image file drive-2.img)');

    world.plugIntoAppliance('drive-2');
    const plugged = await world.assessments();
    expect(plugged.map((assessment) => assessment.eligible)).toEqual([true, false, true]);
    expect(plugged[1]?.refusals).toEqual([{ code: 'IN_APPLIANCE', message: 'This training drive is plugged into the appliance. Unplug it from the appliance panel first.' }]);

    await world.unplugFromAppliance();
    expect((await world.assessments()).every((assessment) => assessment.eligible)).toBe(true);
  });

  it('the old stick (oldStick: true): a 256 MiB FAT32 drive after the others, refused for provisioning, offered for sanitizing, re-made on reset', async () => {
    const world = await startWorld({ driveCount: 1, oldStick: true });
    expect(world.drives()).toEqual([expect.objectContaining({ id: 'drive-1', size: GiB }), expect.objectContaining({ id: 'drive-2', label: 'Old USB stick', size: OLD_STICK_BYTES, inAppliance: false })]);
    const stick = drive(world, 'drive-2').path;
    const check = async (): Promise<void> => {
      expect(statSync(stick).size).toBe(256 * MiB);
      await withVolume(stick, { access: 'read' }, (volume) => expect(volume.info()).toMatchObject({ fatType: 'FAT32', label: 'OLDSTICK' }));
      expect(fsckFat(stick, PARTITION_START_LBA * 512, OLD_STICK_BYTES - PARTITION_START_LBA * 512).status).toBe(0);
    };
    await check();
    const forAppliance = await world.assessments();
    expect(forAppliance.map((assessment) => assessment.eligible)).toEqual([true, false]);
    expect(forAppliance[1]?.refusals.map((reason) => reason.code)).toEqual(['TOO_SMALL']);
    expect(forAppliance[1]?.drive.description).toBe('Old USB stick (image file drive-2.img)');
    expect((await world.assessments('sanitize')).map((assessment) => assessment.eligible)).toEqual([true, true]);
    await expect(chooseDrive(stick)).rejects.toMatchObject({ code: 'TARGET_TOO_SMALL' });
    await expect(chooseDrive(stick, 'sanitize')).resolves.toMatchObject({ assessment: { eligible: true } });
    await world.reset();
    await check();
  });

  it('end to end: provision onto drive-1 through the simulator, plug it in, the panel goes to registered and green, logs on the drive', async () => {
    const world = await startWorld();
    const report = await provision(world, 'drive-1', 'training-cam-01');
    const panels = watchPanel(world);
    const drivesEvents: VirtualDrive[][] = [];
    world.events.on('drives', (drives) => drivesEvents.push(drives));

    const started = world.plugIntoAppliance('drive-1');
    expect(started).toMatchObject({ driveId: 'drive-1', phase: 'reading', lights: 'off', message: 'Reading the drive…', deviceId: null, problem: null });
    expect(drivesEvents.at(-1)?.map((virtual) => virtual.inAppliance)).toEqual([true, false, false]);
    expect(drive(world, 'drive-1').inAppliance).toBe(true);

    const registered = await panels.until((panel) => panel.phase === 'registered');
    expect(registered).toMatchObject({ driveId: 'drive-1', lights: 'green', deviceId: report.deviceId, problem: null, message: `Registered as ${report.deviceId}: green light` });
    expect(registered.logsWritten).toEqual(expect.arrayContaining(['/panorama/occ.log', '/panorama/ota_agent.log', '/panorama/syslog.log', '/panorama/kern.log']));
    expect(panels.seen.map((panel) => panel.phase)).toEqual(['reading', 'registering', 'registered']);
    expect(panels.seen[1]).toMatchObject({ lights: 'blue-slow', message: 'Registering with the (simulated) AWS cloud — slow blue light' });
    expect(world.panel()).toEqual(registered);

    // Done means done: the logs are on the drive when the panel says so.
    const files = await driveFiles(drive(world, 'drive-1').path);
    expect(files).toEqual(expect.arrayContaining(['/certificates-omni_training-cam-01.zip', '/panorama/occ.log', '/panorama/kern.log']));
    const occ = await withVolume(drive(world, 'drive-1').path, { access: 'read' }, (volume) => volume.readFile('/panorama/occ.log').toString('utf8'));
    expect(occ).toContain(`registration accepted for ${report.deviceId}`);

    // The drive stays in the appliance until unplugged.
    expect(drive(world, 'drive-1').inAppliance).toBe(true);
    expect(await world.unplugFromAppliance()).toMatchObject({ driveId: null, phase: 'unplugged', lights: 'off' });
    expect(drivesEvents.at(-1)?.map((virtual) => virtual.inAppliance)).toEqual([false, false, false]);
  });

  it('"expired-certificate": the appliance refuses the archive, the panel fails with fast red and the problem', async () => {
    const world = await startWorld();
    world.setScenario('expired-certificate');
    expect(world.scenario()).toBe('expired-certificate');
    await provision(world, 'drive-1', 'late-cam');
    const panels = watchPanel(world);
    world.plugIntoAppliance('drive-1');
    const failedPanel = await panels.until((panel) => panel.phase === 'failed');
    expect(failedPanel).toMatchObject({ driveId: 'drive-1', lights: 'red-fast', problem: { code: 'CERTIFICATE_EXPIRED' } });
    expect(failedPanel.message).toBe(failedPanel.problem?.message);
    expect(failedPanel.message).not.toBe('');
    expect(failedPanel.logsWritten).toContain('/panorama/occ.log');
  });

  it('a drive with no archive: the appliance blinks red with NO_ARCHIVE', async () => {
    const world = await startWorld();
    const panels = watchPanel(world);
    world.plugIntoAppliance('drive-3');
    expect(await panels.until((panel) => panel.phase === 'failed')).toMatchObject({ driveId: 'drive-3', lights: 'red-fast', problem: { code: 'NO_ARCHIVE' }, deviceId: null });
  });

  it('one port: a second drive is refused with APPLIANCE_BUSY and nothing changes; an unknown drive is refused', async () => {
    const world = await startWorld();
    world.setScenario('slow-registration');
    await provision(world, 'drive-1', 'busy-cam');
    const panels = watchPanel(world);
    const drivesEvents: VirtualDrive[][] = [];
    world.plugIntoAppliance('drive-1');
    await panels.until((panel) => panel.phase === 'registering');
    world.events.on('drives', (drives) => drivesEvents.push(drives));
    const panelsBefore = panels.seen.length;
    const before = world.panel();

    const busy = thrown(() => world.plugIntoAppliance('drive-2'));
    expect(busy).toMatchObject({ code: 'APPLIANCE_BUSY', outcome: 'refused' });
    expect(busy.message).toContain('drive-1');
    expect(thrown(() => world.plugIntoAppliance('drive-1'))).toMatchObject({ code: 'APPLIANCE_BUSY' });
    expect(thrown(() => world.plugIntoAppliance('drive-9'))).toMatchObject({ code: 'UNKNOWN_TRAINING_DRIVE', outcome: 'refused' });
    expect(world.panel()).toEqual(before);
    expect(world.drives().map((virtual) => virtual.inAppliance)).toEqual([true, false, false]);
    expect(drivesEvents).toEqual([]);
    expect(panels.seen.length).toBe(panelsBefore);

    // Unplugged mid-registration: the appliance stops, the port is free for the next drive.
    expect(await world.unplugFromAppliance()).toMatchObject({ phase: 'unplugged', driveId: null });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(world.panel().phase).toBe('unplugged');
    expect(world.plugIntoAppliance('drive-2')).toMatchObject({ driveId: 'drive-2', phase: 'reading' });
  });

  it('reset(): appliance empty, scenario success, the simulator forgot its devices, every drive fresh', async () => {
    const world = await startWorld();
    await provision(world, 'drive-1', 'reset-cam');
    await withVolume(drive(world, 'drive-2').path, { access: 'write' }, (volume) => volume.writeFile('/notes.txt', Buffer.from('trainee notes\n')));
    world.setScenario('slow-registration');
    const panels = watchPanel(world);
    world.plugIntoAppliance('drive-1');
    await panels.until((panel) => panel.phase === 'registering');
    const sdk = client(world);
    expect((await sdk.send(new ListDevicesCommand({}))).Devices).toHaveLength(1);

    const drivesEvents: VirtualDrive[][] = [];
    world.events.on('drives', (drives) => drivesEvents.push(drives));
    await world.reset();

    expect(world.panel()).toMatchObject({ driveId: null, phase: 'unplugged', lights: 'off', deviceId: null, problem: null });
    expect(panels.seen.at(-1)?.phase).toBe('unplugged');
    expect(drivesEvents.at(-1)?.map((virtual) => virtual.inAppliance)).toEqual([false, false, false]);
    expect(world.scenario()).toBe('success');
    expect((await sdk.send(new ListDevicesCommand({}))).Devices).toEqual([]);
    for (const virtual of world.drives()) {
      expect(await driveFiles(virtual.path)).toEqual([]);
      const fsck = fsckFat(virtual.path, PARTITION_START_LBA * 512, volumeBytes(virtual.size));
      expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
    }
    expect((await world.assessments()).every((assessment) => assessment.eligible)).toBe(true);
  });
});
