/**
 * Lesson 3: dining philosophers with copas.lock. Everyone takes the left fork first: deadlock (the locks'
 * timeouts end it). Then the fix: take the lower-numbered fork first, so no cycle of waiting can form.
 * Run: npx ts-node examples/teaching/philosophers.ts   (the Lua original: philosophers.lua)
 */
import { copas } from '../../src';

const names = ['Aristotle', 'Kant', 'Spinoza'];

function dinner(title: string, ordered: boolean): void {
  console.log(`-- ${title}`);
  // Forks are numbered from 1, as in the Lua original; index 0 stays empty.
  const forks = [null, ...names.map(() => copas.lock.new(0.2))];
  names.forEach((name, index) => {
    const left = index + 1;
    const right = (left % names.length) + 1;
    let [first, second] = [left, right];
    if (ordered && right < left) [first, second] = [right, left];
    copas.addnamedthread(name, function* () {
      for (let meal = 1; meal <= 2; meal++) {
        yield* forks[first]!.get();
        console.log(`${name} took fork ${first}`);
        yield* copas.pause(0.01); // reaching for the other fork gives the others a turn
        const [ok, err] = yield* forks[second]!.get();
        if (ok === null) {
          console.log(`${name} gave up on fork ${second}: ${err}`);
          // so that all run out of patience before a fork comes free: on a busy machine their timeouts can
          // end milliseconds apart, and a fork put down at once would feed the next philosopher instead
          yield* copas.pause(0.05);
          forks[first]!.release();
          return;
        }
        console.log(`${name} took fork ${second} and eats meal ${meal}`);
        yield* copas.pause(0.01);
        forks[second]!.release();
        forks[first]!.release();
      }
      console.log(`${name} is full`);
    });
  });
}

export async function main(): Promise<void> {
  await copas.loop(function* () { dinner('everyone takes the left fork first', false); });
  await copas.loop(function* () { dinner('the lower-numbered fork first', true); });
}

if (require.main === module) void main();
