/**
 * The bytes a socket received and nobody read yet: a list of Buffers taken from the front without copying
 * when a read ends on a chunk boundary. The line scan remembers how far it looked, so a long line that
 * arrives in many chunks is scanned once, not once per chunk.
 */
export class ChunkQueue {
  private chunks: Buffer[] = [];
  private first = 0;
  /** Bytes held. */
  length = 0;
  private scanned = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Offset of the first `byte` from the front, or -1. */
  indexOf(byte: number): number {
    let base = 0;
    for (let i = this.first; i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (base + c.length > this.scanned) {
        const from = this.scanned > base ? this.scanned - base : 0;
        const at = c.indexOf(byte, from);
        if (at >= 0) return base + at;
      }
      base += c.length;
    }
    this.scanned = base;
    return -1;
  }

  /** Removes and returns the first `n` bytes (n <= length). */
  take(n: number): Buffer {
    this.scanned = 0;
    if (n === 0) return Buffer.alloc(0);
    const head = this.chunks[this.first];
    if (head.length === n) return this.shift() as Buffer;
    if (head.length > n) {
      this.chunks[this.first] = head.subarray(n);
      this.length -= n;
      return head.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[this.first];
      const want = n - off;
      if (c.length <= want) {
        c.copy(out, off);
        off += c.length;
        this.shift();
      } else {
        c.copy(out, off, 0, want);
        this.chunks[this.first] = c.subarray(want);
        this.length -= want;
        off += want;
      }
    }
    return out;
  }

  /** Removes and returns everything. */
  takeAll(): Buffer {
    if (this.length === 0) return Buffer.alloc(0);
    if (this.chunks.length - this.first === 1) return this.shift() as Buffer;
    return this.take(this.length);
  }

  /** Removes and returns the first chunk as it arrived. */
  shift(): Buffer | undefined {
    if (this.first >= this.chunks.length) return undefined;
    const c = this.chunks[this.first];
    this.chunks[this.first++] = EMPTY;
    this.length -= c.length;
    this.scanned = 0;
    if (this.first === this.chunks.length) { this.chunks.length = 0; this.first = 0; }
    else if (this.first > 64 && this.first * 2 > this.chunks.length) { this.chunks = this.chunks.slice(this.first); this.first = 0; }
    return c;
  }
}

const EMPTY = Buffer.alloc(0);
