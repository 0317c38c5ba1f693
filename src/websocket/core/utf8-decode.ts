/**
 * Strict UTF-8 decoding of a whole payload (a TEXT message, a close reason): one call that validates and
 * decodes, where `isUtf8` then `toString` would walk the bytes twice and cross into C++ twice. A leading
 * U+FEFF is kept: it is part of the message, not a byte-order mark to strip.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { asBuffer } from './as-buffer';

/** null when the build of Node has no ICU (then TextDecoder cannot be fatal): validate, then decode. */
const strict: TextDecoder | null = (() => {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  } catch {
    return null;
  }
})();

/** The text of `bytes`, or null when they are not valid UTF-8 (RFC 3629: no surrogates, no overlongs). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  if (strict !== null) {
    try {
      return strict.decode(bytes);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return null;
      throw err; // not a verdict on the bytes (a string too long for V8, say)
    }
  }
  if (!isUtf8(bytes)) return null;
  return asBuffer(bytes).toString('utf8');
}
