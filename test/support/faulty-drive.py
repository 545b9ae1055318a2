#!/usr/bin/env python3
"""A drive that fails like real ones, for tests: a FUSE file system (pyfuse3, Debian's
python3-pyfuse3) exposing one file, drive.img, whose reads and writes go to a backing image but
misbehave as a JSON fault plan says. The plan file is re-read whenever it changes, so a test can
change the faults while the drive is in use. A loop device over drive.img makes it a real block
device (test/support/faulty-drive.ts does that).

    faulty-drive.py MOUNTPOINT STORE SIZE PLAN

SIZE is the size the drive announces. The plan (every key optional):
    readErrors, writeErrors   [[start, end), ...] byte ranges: an operation touching one fails EIO
    stall                     {"ranges": [[start, end), ...] (absent: every operation), "ms": N}:
                              operations wait N ms, or, without "ms", until the plan drops "stall"
    failAfterBytesWritten     N: once N bytes were written in all, every operation fails EIO
                              (the stick was pulled out)
    capacity, mode            K and "limbo" | "wraparound": a counterfeit stick that holds only
                              K bytes; past K, writes are lost and read back as zeros (limbo), or
                              land at offset % K (wraparound)
Counters (bytes read and written, errors returned) are written to STORE + ".stats.json" after each
operation that changes them. Prints "ready" on stdout once mounted; unmounts on SIGTERM.
"""
import errno
import json
import os
import signal
import stat
import sys

import pyfuse3
import trio

FILE_NAME = b"drive.img"
FILE_INODE = pyfuse3.ROOT_INODE + 1


def overlaps(ranges, start, end):
    return any(start < r_end and r_start < end for r_start, r_end in ranges or [])


class FaultyDrive(pyfuse3.Operations):
    def __init__(self, store, size, plan_path):
        super().__init__()
        self.fd = os.open(store, os.O_RDWR)
        self.size = size
        self.plan_path = plan_path
        self.plan_stamp = None
        self.plan = {}
        self.stats_path = store + ".stats.json"
        self.stats = {"bytesRead": 0, "bytesWritten": 0, "readErrors": 0, "writeErrors": 0, "stalls": 0}

    # --- the plan and the counters -------------------------------------------------------
    def current_plan(self):
        try:
            info = os.stat(self.plan_path)
            stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
            if stamp != self.plan_stamp:
                with open(self.plan_path, "r", encoding="utf-8") as handle:
                    self.plan = json.load(handle)
                self.plan_stamp = stamp
        except (OSError, ValueError):
            pass  # a plan being replaced: keep the last one read
        return self.plan

    def save_stats(self):
        temporary = self.stats_path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(self.stats, handle)
        os.replace(temporary, self.stats_path)

    def pulled(self, plan):
        limit = plan.get("failAfterBytesWritten")
        return limit is not None and self.stats["bytesWritten"] >= limit

    async def maybe_stall(self, start, end):
        stall = self.current_plan().get("stall")
        # "stall": {} stalls everything: an empty plan entry is falsy, so test for None.
        if stall is None or (stall.get("ranges") is not None and not overlaps(stall["ranges"], start, end)):
            return
        self.stats["stalls"] += 1
        self.save_stats()
        if stall.get("ms") is not None:
            await trio.sleep(stall["ms"] / 1000)
            return
        while self.current_plan().get("stall") is not None:
            await trio.sleep(0.05)

    def fail(self, kind):
        self.stats[kind] += 1
        self.save_stats()
        raise pyfuse3.FUSEError(errno.EIO)

    # --- where bytes really go ------------------------------------------------------------
    def segments(self, plan, offset, length):
        """(offset on the drive, offset in the store or None for limbo, length) pieces."""
        capacity = plan.get("capacity")
        if capacity is None:
            return [(offset, offset, length)]
        pieces = []
        position, end = offset, offset + length
        while position < end:
            if plan.get("mode") == "wraparound":
                stored = position % capacity
                step = min(end - position, capacity - stored)
                pieces.append((position, stored, step))
            elif position < capacity:
                step = min(end, capacity) - position
                pieces.append((position, position, step))
            else:
                step = end - position
                pieces.append((position, None, step))
            position += step
        return pieces

    # --- the file system ------------------------------------------------------------------
    def attributes(self, inode):
        entry = pyfuse3.EntryAttributes()
        entry.st_ino = inode
        if inode == pyfuse3.ROOT_INODE:
            entry.st_mode = stat.S_IFDIR | 0o755
            entry.st_nlink = 2
            entry.st_size = 0
        else:
            entry.st_mode = stat.S_IFREG | 0o600
            entry.st_nlink = 1
            entry.st_size = self.size
        entry.st_uid = os.getuid()
        entry.st_gid = os.getgid()
        entry.st_blksize = 4096
        entry.st_blocks = (entry.st_size + 511) // 512
        entry.attr_timeout = 0
        entry.entry_timeout = 0
        return entry

    async def getattr(self, inode, ctx=None):
        if inode not in (pyfuse3.ROOT_INODE, FILE_INODE):
            raise pyfuse3.FUSEError(errno.ENOENT)
        return self.attributes(inode)

    async def lookup(self, parent_inode, name, ctx=None):
        if parent_inode != pyfuse3.ROOT_INODE or name != FILE_NAME:
            raise pyfuse3.FUSEError(errno.ENOENT)
        return self.attributes(FILE_INODE)

    async def opendir(self, inode, ctx):
        if inode != pyfuse3.ROOT_INODE:
            raise pyfuse3.FUSEError(errno.ENOTDIR)
        return inode

    async def readdir(self, fh, start_id, token):
        if start_id == 0:
            pyfuse3.readdir_reply(token, FILE_NAME, self.attributes(FILE_INODE), 1)

    async def open(self, inode, flags, ctx):
        if inode != FILE_INODE:
            raise pyfuse3.FUSEError(errno.EISDIR)
        # direct_io: every read and write reaches us, so a fault or a counterfeit's loss shows.
        return pyfuse3.FileInfo(fh=inode, direct_io=True, keep_cache=False)

    async def read(self, fh, offset, size):
        end = min(offset + size, self.size)
        if offset >= end:
            return b""
        await self.maybe_stall(offset, end)
        plan = self.current_plan()
        if self.pulled(plan) or overlaps(plan.get("readErrors"), offset, end):
            self.fail("readErrors")
        data = bytearray()
        for _drive_offset, stored, length in self.segments(plan, offset, end - offset):
            chunk = b"\0" * length if stored is None else os.pread(self.fd, length, stored)
            data += chunk + b"\0" * (length - len(chunk))
        self.stats["bytesRead"] += len(data)
        return bytes(data)

    async def write(self, fh, offset, buf):
        end = offset + len(buf)
        if end > self.size:
            raise pyfuse3.FUSEError(errno.ENOSPC)
        await self.maybe_stall(offset, end)
        plan = self.current_plan()
        if self.pulled(plan) or overlaps(plan.get("writeErrors"), offset, end):
            self.fail("writeErrors")
        view = memoryview(buf)
        for drive_offset, stored, length in self.segments(plan, offset, len(buf)):
            if stored is not None:
                os.pwrite(self.fd, view[drive_offset - offset : drive_offset - offset + length], stored)
        self.stats["bytesWritten"] += len(buf)
        self.save_stats()
        return len(buf)

    async def fsync(self, fh, datasync):
        if self.pulled(self.current_plan()):
            self.fail("writeErrors")
        os.fsync(self.fd)

    async def flush(self, fh):
        pass

    async def release(self, fh):
        pass

    async def setattr(self, inode, attr, fields, fh, ctx):
        return self.attributes(inode)

    async def statfs(self, ctx):
        info = pyfuse3.StatvfsData()
        info.f_bsize = 4096
        info.f_frsize = 4096
        info.f_blocks = self.size // 4096
        info.f_bfree = 0
        info.f_bavail = 0
        info.f_files = 1
        info.f_ffree = 0
        info.f_favail = 0
        info.f_namemax = 255
        return info


def main():
    mountpoint, store, size, plan_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    drive = FaultyDrive(store, size, plan_path)
    drive.current_plan()
    drive.save_stats()
    options = set(pyfuse3.default_options)
    options.add("fsname=faulty-drive")
    options.discard("default_permissions")
    pyfuse3.init(drive, mountpoint, options)
    # pyfuse3.terminate() must run inside trio: signals are received there.
    async def run():
        async with trio.open_nursery() as nursery:
            async def watch_signals():
                with trio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
                    async for _ in signals:
                        pyfuse3.terminate()
                        return

            nursery.start_soon(watch_signals)
            print("ready", flush=True)
            await pyfuse3.main(min_tasks=4, max_tasks=16)
            nursery.cancel_scope.cancel()

    try:
        trio.run(run)
    finally:
        pyfuse3.close(unmount=True)


if __name__ == "__main__":
    main()
