/**
 * Collects the payload pieces of one message (fragments, or one frame split over TCP reads).
 * Large pieces are kept as views of the received chunks (no copy until the final concat);
 * small pieces are copied into a shared staging block, so a flood of tiny fragments costs
 * memory proportional to its bytes, not one Buffer object (~100 bytes) per fragment, and does
 * not pin whole receive chunks.
 */

/** Pieces at least this big are kept by reference. */
const KEEP_BY_REFERENCE = 4096;
/** Size of a staging block for small pieces. */
const STAGING_SIZE = 16384;

/** Accumulates pieces and joins them when the message is complete. */
export class MessageAssembler {
  private parts: Buffer[] = [];
  private staging: Buffer | null = null;
  private stagingStart = 0;
  private stagingEnd = 0;
  /** Bytes appended so far. */
  length = 0;

  /** Adds a piece; `piece` must not be modified by the caller afterwards. */
  append(piece: Buffer): void {
    const n = piece.length;
    if (n === 0) return;
    this.length += n;
    const parts = this.parts;
    const last = parts.length > 0 && this.stagingEnd === this.stagingStart ? parts[parts.length - 1] : undefined;
    if (last !== undefined && last.buffer === piece.buffer && last.byteOffset + last.length === piece.byteOffset) {
      // The next bytes of the same memory (a frame the parser gathers): widen the view, no copy.
      parts[parts.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + n);
      return;
    }
    if (n >= KEEP_BY_REFERENCE) {
      this.flushStaging();
      this.parts.push(piece);
      return;
    }
    if (this.staging === null || STAGING_SIZE - this.stagingEnd < n) {
      this.flushStaging();
      this.staging = Buffer.allocUnsafe(STAGING_SIZE);
      this.stagingStart = 0;
      this.stagingEnd = 0;
    }
    this.staging.set(piece, this.stagingEnd);
    this.stagingEnd += n;
  }

  /** Returns the whole message and resets the assembler. */
  finish(): Buffer {
    this.flushStaging();
    const parts = this.parts;
    const total = this.length;
    this.reset();
    if (parts.length === 1) return parts[0];
    if (parts.length === 0) return Buffer.alloc(0);
    return Buffer.concat(parts, total);
  }

  /** Drops everything collected (the connection failed). */
  reset(): void {
    this.parts = [];
    this.staging = null;
    this.stagingStart = 0;
    this.stagingEnd = 0;
    this.length = 0;
  }

  private flushStaging(): void {
    if (this.staging !== null && this.stagingEnd > this.stagingStart) {
      this.parts.push(this.staging.subarray(this.stagingStart, this.stagingEnd));
      this.stagingStart = this.stagingEnd;
    }
  }
}
