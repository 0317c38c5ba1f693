/** `data` as a Buffer over the same bytes (no copy): Node APIs such as toString and write want a Buffer. */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
