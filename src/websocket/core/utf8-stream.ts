/**
 * Streaming UTF-8 validation for TEXT messages that arrive in pieces (fragments, or one frame
 * split over many TCP reads). Autobahn 6.4.x expects the connection to fail at the chunk that
 * holds the first bad byte, not when the message ends, so each piece is checked as it arrives:
 * everything up to the last complete code point goes through Node's SIMD `buffer.isUtf8`; an
 * unfinished code point (at most 3 bytes) is carried over, and rejected at once if no
 * continuation could ever make it valid (0xC0, 0xF5.., 0xED 0xA0 surrogates, 0xE0 0x80
 * overlongs, 0xF4 0x90 beyond U+10FFFF).
 */
import { isUtf8 } from 'node:buffer';

/** Sequence length announced by a lead byte, or 0 if the byte cannot start a sequence. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead < 0xc2) return 0; // continuation bytes and the overlong leads C0/C1
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  if (lead < 0xf5) return 4;
  return 0;
}

/** Whether `b` may follow `lead` (RFC 3629 table: excludes overlongs, surrogates, > U+10FFFF). */
function secondByteOk(lead: number, b: number): boolean {
  switch (lead) {
    case 0xe0:
      return b >= 0xa0 && b <= 0xbf;
    case 0xed:
      return b >= 0x80 && b <= 0x9f;
    case 0xf0:
      return b >= 0x90 && b <= 0xbf;
    case 0xf4:
      return b >= 0x80 && b <= 0x8f;
    default:
      return b >= 0x80 && b <= 0xbf;
  }
}

/**
 * True when `bytes[0 .. len)` (shorter than its announced length) can still be completed into a
 * valid code point.
 */
export function isViablePrefix(bytes: Uint8Array, start: number, len: number): boolean {
  const lead = bytes[start];
  const need = sequenceLength(lead);
  if (need <= 1 || len >= need) return false;
  if (len >= 2 && !secondByteOk(lead, bytes[start + 1])) return false;
  for (let i = 2; i < len; i++) {
    const b = bytes[start + i];
    if (b < 0x80 || b > 0xbf) return false;
  }
  return true;
}

/**
 * Validates a UTF-8 byte stream piece by piece. `push` returns false as soon as the stream can
 * no longer be valid; `end` returns false if the stream stops inside a code point. Holds at most
 * 4 bytes of state.
 */
export class Utf8StreamValidator {
  private readonly tail = Buffer.allocUnsafe(4); // a slice of Node's pool, not an ArrayBuffer per connection
  private tailLength = 0;

  /** Forgets any carried bytes, ready for a new message. */
  reset(): void {
    this.tailLength = 0;
  }

  /** Validates the next piece of the stream. */
  push(chunk: Uint8Array): boolean {
    let start = 0;
    const len = chunk.length;
    if (this.tailLength > 0) {
      // Finish the code point carried over from the previous piece.
      const need = sequenceLength(this.tail[0]) - this.tailLength;
      const take = need < len ? need : len;
      for (let i = 0; i < take; i++) this.tail[this.tailLength++] = chunk[i];
      start = take;
      if (take < need) {
        return isViablePrefix(this.tail, 0, this.tailLength);
      }
      if (!isUtf8(this.tail.subarray(0, this.tailLength))) return false;
      this.tailLength = 0;
    }
    if (start >= len) return true;
    // Find where the last code point starts; look back at most 4 bytes.
    let lead = len - 1;
    const limit = len - 4 > start ? len - 4 : start;
    while (lead > limit && (chunk[lead] & 0xc0) === 0x80) lead--;
    const need = sequenceLength(chunk[lead]);
    let end = len;
    if (need > len - lead) {
      // Incomplete final code point: carry it if it can still become valid.
      if (!isViablePrefix(chunk, lead, len - lead)) return false;
      end = lead;
    }
    if (end > start) {
      const body = start === 0 && end === len ? chunk : chunk.subarray(start, end);
      if (!isUtf8(body)) return false;
    }
    for (let i = end; i < len; i++) this.tail[this.tailLength++] = chunk[i];
    return true;
  }

  /** Ends the stream: valid only if no code point is left unfinished. Resets the validator. */
  end(): boolean {
    const ok = this.tailLength === 0;
    this.tailLength = 0;
    return ok;
  }
}
