/**
 * Random masking keys for client frames. RFC 6455 section 5.3 requires unpredictable keys, so
 * they come from `node:crypto`, but one syscall per frame would dominate small-message cost:
 * keys are cut from a pool refilled 2,048 keys (8 KiB) at a time.
 */
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** Writes a fresh 4-byte masking key into `target` at `at`. */
export function writeMaskKey(target: Uint8Array, at: number): void {
  if (poolOffset >= POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  target[at] = pool[poolOffset];
  target[at + 1] = pool[poolOffset + 1];
  target[at + 2] = pool[poolOffset + 2];
  target[at + 3] = pool[poolOffset + 3];
  poolOffset += 4;
}
