/**
 * Page-aligned buffers, for O_DIRECT I/O (the kernel refuses unaligned user buffers with
 * EINVAL). Node gives no way to ask for an aligned allocation or to learn a Buffer's address,
 * but a WebAssembly.Memory is backed by its own mmap'd region, so it starts on a page boundary
 * and every offset that is a multiple of the page size is aligned too.
 */
const WASM_PAGE_BYTES = 64 * 1024;
/** Covers the largest logical block size of drives we meet (4 KiB) and the usual page size. */
export const DIRECT_IO_ALIGNMENT = 4096;

/** The memories alignedBuffers made (they never grow, so each keeps its one ArrayBuffer). */
const alignedMemories = new WeakSet<ArrayBufferLike>();

/** `count` separate buffers of `bytes` each (a multiple of 4096), all starting on a 64 KiB boundary. */
export function alignedBuffers(count: number, bytes: number): Buffer[] {
  if (bytes <= 0 || bytes % DIRECT_IO_ALIGNMENT !== 0) throw new RangeError(`aligned buffers must be a positive multiple of ${DIRECT_IO_ALIGNMENT} bytes, not ${bytes}`);
  const stride = Math.ceil(bytes / WASM_PAGE_BYTES) * WASM_PAGE_BYTES;
  const memory = new WebAssembly.Memory({ initial: (stride * count) / WASM_PAGE_BYTES, maximum: (stride * count) / WASM_PAGE_BYTES });
  alignedMemories.add(memory.buffer);
  return Array.from({ length: count }, (_, index) => Buffer.from(memory.buffer, index * stride, bytes));
}

/** Whether `buffer` from `offset` on starts on a 4096-byte boundary of memory (known only for alignedBuffers' memory). */
export function isAlignedMemory(buffer: Uint8Array, offset = 0): boolean {
  return alignedMemories.has(buffer.buffer) && (buffer.byteOffset + offset) % DIRECT_IO_ALIGNMENT === 0;
}

export function isDirectAligned(value: number): boolean {
  return value % DIRECT_IO_ALIGNMENT === 0;
}

/** Sets of aligned buffers kept for the next pass: a WebAssembly.Memory is only freed by a full GC, so making a new one per pass would let memory climb. */
const pool = new Map<string, Buffer[][]>();
const MAX_POOLED_SETS = 8;

/** Aligned buffers from the pool (or new ones); `release()` wipes them and gives them back. */
export function borrowAlignedBuffers(count: number, bytes: number): { buffers: Buffer[]; release: () => void } {
  const key = `${count}x${bytes}`;
  const buffers = pool.get(key)?.pop() ?? alignedBuffers(count, bytes);
  return {
    buffers,
    release: () => {
      // A verification read may hold old drive contents (a mismatch): never left lying in the pool.
      for (const buffer of buffers) buffer.fill(0);
      const sets = pool.get(key) ?? [];
      if (sets.length < MAX_POOLED_SETS) sets.push(buffers);
      pool.set(key, sets);
    },
  };
}
