/**
 * Lesson 4: a rate limiter with copas.semaphore. A bucket of 2 tokens; a timer puts one back every 50 ms;
 * each request takes a token first, so a burst of 5 goes out 2 at once, then one per tick.
 * Run: npx ts-node examples/teaching/rate-limiter.ts   (the Lua original: rate-limiter.lua)
 */
import { copas } from '../../src';

export async function main(): Promise<void> {
  const bucket = copas.semaphore.new(2, 2, Infinity);
  let ticks = 0;
  const refill = copas.timer.new({
    name: 'refill',
    delay: 0.05,
    recurring: true,
    callback: () => {
      ticks++;
      console.log(`refill: tick ${ticks}`);
      bucket.give(1);
    },
  });

  let done = 0;
  for (let i = 1; i <= 5; i++) {
    copas.addnamedthread(`request ${i}`, function* () {
      yield* bucket.take(1);
      console.log(`request ${i} sent after tick ${ticks}`);
      done++;
      if (done === 5) refill.cancel();
    });
  }

  await copas.loop();
}

if (require.main === module) void main();
