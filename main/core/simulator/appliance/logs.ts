/**
 * The provisioning logs a real appliance leaves on the drive under /panorama/ — occ.log,
 * ota_agent.log, syslog.log, kern.log — with realistic lines and never a secret (no key, no
 * certificate body: only ids, fingerprints and statuses).
 */
import { withVolume } from '../../disk';

export type LogFile = 'occ.log' | 'ota_agent.log' | 'syslog.log' | 'kern.log';

export class ApplianceLog {
  private readonly lines: Record<LogFile, string[]> = { 'occ.log': [], 'ota_agent.log': [], 'syslog.log': [], 'kern.log': [] };
  private readonly bootedAt = Date.now();

  add(file: LogFile, line: string): void {
    const time = new Date().toISOString();
    if (file === 'kern.log') {
      // The kernel stamps seconds since boot, like dmesg.
      this.lines[file].push(`[${((Date.now() - this.bootedAt) / 1000 + 12.345678).toFixed(6)}] ${line}`);
    } else {
      this.lines[file].push(`${time} ${file === 'syslog.log' ? 'panorama-appliance ' : ''}${line}`);
    }
  }

  text(file: LogFile): string {
    return this.lines[file].map((line) => `${line}\n`).join('');
  }

  /** Writes (appends to) /panorama/*.log on the drive; the drive must hold a FAT volume. */
  async writeTo(drivePath: string): Promise<string[]> {
    return withVolume(drivePath, { access: 'write' }, (volume) => {
      if (!volume.exists('/panorama')) volume.mkdir('/panorama');
      const written: string[] = [];
      for (const file of Object.keys(this.lines) as LogFile[]) {
        const path = `/panorama/${file}`;
        const previous = volume.exists(path) ? volume.readFile(path).toString('utf8') : '';
        volume.writeFile(path, Buffer.from(previous + this.text(file), 'utf8'));
        written.push(path);
      }
      return written;
    });
  }
}
