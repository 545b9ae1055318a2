/**
 * FatFs (ChaN's C library, compiled to WebAssembly by js-fatfs) driven through a BlockTarget:
 * the "drive" FatFs sees is a window of the target (a partition, or the whole target for a
 * superfloppy), addressed in 512-byte sectors. FatFs calls these hooks synchronously.
 */
import type * as FatFsNamespace from 'js-fatfs';
import type { DiskIO, FatFs } from 'js-fatfs';
import { PanoramaUsbError } from '../errors';
import { SECTOR_SIZE, type BlockTarget } from './block-target';
import { classifyIoError } from './io-errors';

export type FatFsModule = typeof FatFsNamespace;

let modulePromise: Promise<FatFsModule> | null = null;

/** js-fatfs is an ES module with a WebAssembly payload: load it once, on first use. */
export function loadFatFs(): Promise<FatFsModule> {
  modulePromise ??= import('js-fatfs');
  return modulePromise;
}

export interface VolumeWindow {
  /** First sector of the volume on the target. */
  startLba: number;
  sectors: number;
}

/** Sectors per erase block reported to FatFs: it aligns the data area to 1 MiB, as flash likes. */
export const ERASE_BLOCK_SECTORS = 2048;

export class TargetDiskIO implements DiskIO {
  /** The error behind the last RES_ERROR, so the caller can report it (e.g. unplugged) instead of "disk error". */
  lastError: unknown = null;

  constructor(
    private readonly fatfs: FatFsModule,
    private readonly target: BlockTarget,
    private readonly window: VolumeWindow,
  ) {}

  /** The typed error behind FatFs's FR_DISK_ERR, if a hook failed. */
  failure(): PanoramaUsbError | null {
    if (this.lastError === null) return null;
    return this.lastError instanceof PanoramaUsbError ? this.lastError : classifyIoError(this.lastError, this.target.path, this.target.kind, this.target.size);
  }

  private position(sector: number): number {
    // FatFs passes LBA_t as a signed 32-bit value: read it back as unsigned.
    return (this.window.startLba + (sector >>> 0)) * SECTOR_SIZE;
  }

  initialize(): number {
    return 0;
  }

  status(): number {
    return this.target.writable ? 0 : this.fatfs.STA_PROTECT;
  }

  read(ff: FatFs, _pdrv: number, buff: number, sector: number, count: number): number {
    try {
      this.target.readSync(ff.HEAPU8, buff, count * SECTOR_SIZE, this.position(sector));
      return this.fatfs.RES_OK;
    } catch (error) {
      this.lastError = error;
      return this.fatfs.RES_ERROR;
    }
  }

  write(ff: FatFs, _pdrv: number, buff: number, sector: number, count: number): number {
    if (!this.target.writable) return this.fatfs.RES_WRPRT;
    try {
      this.target.writeSync(ff.HEAPU8, buff, count * SECTOR_SIZE, this.position(sector));
      return this.fatfs.RES_OK;
    } catch (error) {
      this.lastError = error;
      return this.fatfs.RES_ERROR;
    }
  }

  ioctl(ff: FatFs, _pdrv: number, cmd: number, buff: number): number {
    const F = this.fatfs;
    switch (cmd) {
      case F.CTRL_SYNC:
        if (!this.target.writable) return F.RES_OK;
        try {
          this.target.flushSync();
          return F.RES_OK;
        } catch (error) {
          this.lastError = error;
          return F.RES_ERROR;
        }
      case F.GET_SECTOR_COUNT:
        ff.setValue(buff, this.window.sectors, 'i32');
        return F.RES_OK;
      case F.GET_SECTOR_SIZE:
        ff.setValue(buff, SECTOR_SIZE, 'i16');
        return F.RES_OK;
      case F.GET_BLOCK_SIZE:
        ff.setValue(buff, ERASE_BLOCK_SECTORS, 'i32');
        return F.RES_OK;
      case F.CTRL_TRIM:
        return F.RES_OK;
      default:
        return F.RES_PARERR;
    }
  }
}
