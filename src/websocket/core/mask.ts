/**
 * XOR masking of frame payloads (RFC 6455 section 5.3), done 32 bits at a time because
 * clients mask every byte they send and servers unmask every byte they receive.
 */

const scratch32 = new Uint32Array(1);
const scratch8 = new Uint8Array(scratch32.buffer);

/** Below this many bytes a plain loop beats creating a typed-array view. */
const WORD_LOOP_THRESHOLD = 32;

/**
 * XORs `buf` in place with the 4-byte `mask`. `offset` is the position of `buf[0]` within
 * the masked payload, so a payload that arrives in pieces can be unmasked piece by piece.
 * The mask is read from `mask[maskStart .. maskStart + 3]` (handy when it sits in a header).
 */
export function applyMask(buf: Uint8Array, mask: Uint8Array, offset = 0, maskStart = 0): void {
  const len = buf.length;
  const phase = offset & 3;
  if (len < WORD_LOOP_THRESHOLD) {
    for (let i = 0; i < len; i++) buf[i] ^= mask[maskStart + ((phase + i) & 3)];
    return;
  }
  // Unmask byte by byte up to a 4-byte aligned address, then a word at a time.
  let i = 0;
  const lead = (4 - (buf.byteOffset & 3)) & 3;
  for (; i < lead; i++) buf[i] ^= mask[maskStart + ((phase + i) & 3)];
  const words = (len - i) >>> 2;
  if (words > 0) {
    for (let k = 0; k < 4; k++) scratch8[k] = mask[maskStart + ((phase + i + k) & 3)];
    const m = scratch32[0];
    const view = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    let w = 0;
    for (const end = words - 7; w < end; w += 8) { // unrolled: fewer loop checks per word
      view[w] ^= m; view[w + 1] ^= m; view[w + 2] ^= m; view[w + 3] ^= m;
      view[w + 4] ^= m; view[w + 5] ^= m; view[w + 6] ^= m; view[w + 7] ^= m;
    }
    for (; w < words; w++) view[w] ^= m;
    i += words << 2;
  }
  for (; i < len; i++) buf[i] ^= mask[maskStart + ((phase + i) & 3)];
}
