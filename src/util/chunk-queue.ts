/**
 * Received bytes not yet consumed, kept as the list of chunks they arrived in, so that a read (a frame, a
 * line, n bytes) lying inside one chunk is handed out as a `subarray` without copying. Used by the socket
 * layer's receive buffer and by the WebSocket frame parser.
 */
export class ChunkQueue {
  /** NO_CHUNKS while empty: an idle queue holds no array. */
  private chunks: Buffer[] = NO_CHUNKS;
  private head = 0;
  private offset = 0;
  /** Number of unread bytes. */
  length = 0;
  /** How far indexOf already looked without finding its byte: a line arriving in pieces is scanned once. */
  private scanned = 0;

  /** Appends a chunk; the queue takes ownership (it may be unmasked in place later). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.chunks === NO_CHUNKS) this.chunks = [chunk];
    else this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The unread byte at position `i` (i < length); used for the few header bytes. */
  byteAt(i: number): number {
    let k = this.head;
    let pos = this.offset + i;
    while (pos >= this.chunks[k].length) {
      pos -= this.chunks[k].length;
      k++;
    }
    return this.chunks[k][pos];
  }

  /** Number of unread bytes in the first chunk (what `takeContiguous` can return at once). */
  contiguous(): number {
    return this.length === 0 ? 0 : this.chunks[this.head].length - this.offset;
  }

  /** Removes and returns the next `n` bytes (n <= length): a view if they lie in one chunk. */
  take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.chunks[this.head];
    if (first.length - this.offset >= n) return this.takeContiguous(n);
    const out = Buffer.allocUnsafe(n);
    this.copyOut(out, 0, n);
    return out;
  }

  /** Removes and returns up to `n` bytes from the first chunk, as a view (no copy). */
  takeContiguous(n: number): Buffer {
    const first = this.chunks[this.head];
    const avail = first.length - this.offset;
    const count = n < avail ? n : avail;
    const out =
      this.offset === 0 && count === first.length ? first : first.subarray(this.offset, this.offset + count);
    this.advance(count);
    return out;
  }

  /** Removes the next `n` bytes (n <= length), copying them into `target` at `at`. */
  copyOut(target: Uint8Array, at: number, n: number): void {
    let done = 0;
    while (done < n) {
      const first = this.chunks[this.head];
      const avail = first.length - this.offset;
      const count = n - done < avail ? n - done : avail;
      target.set(first.subarray(this.offset, this.offset + count), at + done);
      done += count;
      this.advance(count);
    }
  }

  /** Removes the next `n` bytes (n <= length) without reading them (a parsed header). */
  skip(n: number): void {
    let left = n;
    while (left > 0) {
      const avail = this.chunks[this.head].length - this.offset;
      const count = left < avail ? left : avail;
      this.advance(count);
      left -= count;
    }
  }

  /** Offset of the first `byte` among the unread bytes, or -1. */
  indexOf(byte: number): number {
    let base = 0;
    for (let k = this.head; k < this.chunks.length; k++) {
      const c = this.chunks[k];
      const from = k === this.head ? this.offset : 0;
      const size = c.length - from;
      if (base + size > this.scanned) {
        const at = c.indexOf(byte, from + Math.max(0, this.scanned - base));
        if (at >= 0) return base + at - from;
      }
      base += size;
    }
    this.scanned = base;
    return -1;
  }

  /** Removes and returns everything unread. */
  takeAll(): Buffer {
    return this.length === 0 ? EMPTY : this.take(this.length);
  }

  /** Removes and returns the unread part of the first chunk as it arrived, or undefined when empty. */
  shift(): Buffer | undefined {
    return this.length === 0 ? undefined : this.takeContiguous(this.contiguous());
  }

  /** Drops everything (after the connection failed, input is ignored). */
  clear(): void {
    this.chunks = NO_CHUNKS;
    this.head = 0;
    this.offset = 0;
    this.length = 0;
    this.scanned = 0;
  }

  private advance(count: number): void {
    this.length -= count;
    this.scanned = 0;
    this.offset += count;
    if (this.offset === this.chunks[this.head].length) {
      this.offset = 0;
      this.head++;
      if (this.head === this.chunks.length) {
        // Drop the emptied array rather than set its length to 0 (a runtime call, twice per small message);
        // an idle queue then holds no array at all.
        this.chunks = NO_CHUNKS;
        this.head = 0;
      } else if (this.head >= 64) {
        this.chunks.splice(0, this.head);
        this.head = 0;
      }
    }
  }
}

const EMPTY = Buffer.alloc(0);
/** The shared empty list (never pushed to: push swaps in an array of the queue's own). */
const NO_CHUNKS: Buffer[] = [];
