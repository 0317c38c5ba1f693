/**
 * A full garbage collection, callable without --expose-gc. Memory bounds in the specs are about what the code
 * keeps alive, so they are read after a collection: without one they measure when V8 gets round to freeing
 * buffers already dropped (Node 24 lets about 100 MB of socket chunks wait), not what is retained.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let gc: (() => void) | null = null;

/** Runs a full collection now. */
export function collectGarbage(): void {
  if (gc === null) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === 'function') gc = exposed;
    else {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    }
  }
  gc();
}

/**
 * Process memory once full collections stop freeing Buffers: V8 releases the backing stores of dead
 * ArrayBuffers in tasks after a collection, so `arrayBuffers` read at once still counts them (by tens of MB
 * after heavy socket traffic). Collects and waits a turn until a round frees nothing more (at most 5 rounds).
 */
export async function liveMemory(): Promise<NodeJS.MemoryUsage> {
  let last = process.memoryUsage();
  for (let round = 0; round < 5; round++) {
    collectGarbage();
    await new Promise<void>((r) => setTimeout(r, 10));
    const now = process.memoryUsage();
    const freed = last.arrayBuffers - now.arrayBuffers;
    last = now;
    if (round > 0 && freed <= 0) break;
  }
  return last;
}
