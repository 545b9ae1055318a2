/**
 * A raw zip writer for tests: it can produce what honest zip tools refuse to (absolute names,
 * "..", backslashes, symlinks, encryption flags, duplicates, lying sizes), so every hostile
 * class the archive reader must refuse has a real sample.
 */
import { randomBytes } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  name: string | Buffer;
  data?: Buffer | string;
  method?: 'store' | 'deflate';
  utf8?: boolean;
  encrypted?: boolean;
  symlink?: boolean;
  /** Lie about the uncompressed size (both headers). */
  declaredSize?: number;
  /** Lie about the CRC-32. */
  crc?: number;
}

const DOS_TIME = (10 << 11) | (30 << 5);
const DOS_DATE = ((2026 - 1980) << 9) | (11 << 5) | 22;

export function buildZip(entries: readonly ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of entries) {
    const name = typeof spec.name === 'string' ? Buffer.from(spec.name, 'utf8') : spec.name;
    const data = typeof spec.data === 'string' ? Buffer.from(spec.data, 'utf8') : (spec.data ?? Buffer.alloc(0));
    const method = spec.method === 'deflate' ? 8 : 0;
    const packed = method === 8 ? deflateRawSync(data) : data;
    // Traditional PKWARE encryption puts a 12-byte header before the data; zip readers count it.
    const stored = spec.encrypted === true ? Buffer.concat([randomBytes(12), packed]) : packed;
    const flags = (spec.utf8 === false ? 0 : 0x0800) | (spec.encrypted === true ? 0x0001 : 0);
    const checksum = spec.crc ?? crc32(data);
    const size = spec.declaredSize ?? data.length;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(checksum >>> 0, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, stored);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(spec.symlink === true ? (3 << 8) | 20 : 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(checksum >>> 0, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(spec.symlink === true ? (0o120777 << 16) >>> 0 : 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
