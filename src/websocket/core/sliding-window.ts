/**
 * The last 2^windowBits bytes of a compressed stream's plain text. permessage-deflate with
 * context takeover lets each message refer back into earlier ones; handing zlib this window
 * as a preset dictionary reproduces exactly the LZ77 state a persistent stream would have, so
 * a one-shot synchronous zlib call can continue the stream.
 */
export class SlidingWindow {
  private buf: Buffer | null = null;
  private filled = 0;

  /** @param capacity window size in bytes (2^windowBits); allocated on first use. */
  constructor(private readonly capacity: number) {}

  /** The current window, or undefined while empty (zlib's "no dictionary"). */
  view(): Buffer | undefined {
    return this.buf === null || this.filled === 0 ? undefined : this.buf.subarray(0, this.filled);
  }

  /** Appends `data`, dropping the oldest bytes beyond the capacity. */
  append(data: Uint8Array): void {
    const cap = this.capacity;
    if (data.length === 0) return;
    if (this.buf === null) this.buf = Buffer.allocUnsafe(cap);
    const buf = this.buf;
    if (data.length >= cap) {
      buf.set(data.subarray(data.length - cap));
      this.filled = cap;
      return;
    }
    const keep = Math.min(this.filled, cap - data.length);
    if (keep < this.filled) buf.copyWithin(0, this.filled - keep, this.filled);
    buf.set(data, keep);
    this.filled = keep + data.length;
  }
}
