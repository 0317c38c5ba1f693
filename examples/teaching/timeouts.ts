/**
 * Lesson 5: timeouts and cancellation. A wait with a deadline returns 'timeout'; `copas.removethread` ends a
 * task, and its `finally` block runs at once (the Lua original has to leave the cleanup to the remover).
 * Run: npx ts-node examples/teaching/timeouts.ts   (the Lua original: timeouts.lua)
 */
import { copas } from '../../src';

export async function main(): Promise<void> {
  const q = copas.queue.new<string>({ name: 'inbox' });

  copas.addnamedthread('impatient', function* () {
    const [item, err] = yield* q.pop(0.05);
    console.log(`impatient: pop gave ${item ?? 'nil'}, ${err ?? 'nil'}`);
  });

  const worker = copas.addnamedthread('worker', function* () {
    console.log('worker: file opened');
    try {
      for (let n = 1; ; n++) {
        console.log(`worker: chunk ${n}`);
        yield* copas.pause(0);
      }
    } finally {
      console.log('worker: cleanup, file closed');
    }
  });

  copas.addnamedthread('boss', function* () {
    for (let i = 0; i < 3; i++) yield* copas.pause(0);
    console.log('boss: removing worker');
    copas.removethread(worker); // runs the worker's finally block now
    console.log('boss: worker removed');
  });

  await copas.loop();
  console.log('loop ended');
}

if (require.main === module) void main();
