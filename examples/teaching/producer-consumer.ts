/**
 * Lesson 2: a producer and a consumer over copas.queue. `pop()` blocks until an item is there.
 * Run: npx ts-node examples/teaching/producer-consumer.ts   (the Lua original: producer-consumer.lua)
 */
import { copas } from '../../src';

export async function main(): Promise<void> {
  const q = copas.queue.new<string>({ name: 'jobs' });

  copas.addnamedthread('producer', function* () {
    for (let i = 1; i <= 3; i++) {
      console.log(`producer: push job ${i}`);
      q.push(`job ${i}`);
    }
    yield* copas.pause(0.05);
    console.log('producer: push job 4');
    q.push('job 4');
    console.log('producer: finishing the queue');
    yield* q.finish(); // returns once the consumer has taken the last item (the queue is then destroyed)
    console.log('producer: done');
  });

  copas.addnamedthread('consumer', function* () {
    for (;;) {
      const [item, err] = yield* q.pop();
      if (item === null) {
        console.log(`consumer: queue ${err}`);
        break;
      }
      console.log(`consumer: got ${item}`);
    }
  });

  await copas.loop();
}

if (require.main === module) void main();
