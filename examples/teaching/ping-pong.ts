/**
 * Lesson 1: two tasks take turns. `yield* copas.pause(0)` hands the turn to every other ready task.
 * Run: npx ts-node examples/teaching/ping-pong.ts   (the Lua original: ping-pong.lua)
 */
import { copas } from '../../src';

function* player(name: string, hits: number) {
  for (let i = 1; i <= hits; i++) {
    console.log(`${name} ${i}`);
    yield* copas.pause(0);
  }
  console.log(`${name} done`);
}

export async function main(): Promise<void> {
  copas.addnamedthread('ping', player, 'ping', 3);
  copas.addnamedthread('pong', player, 'pong', 3);
  await copas.loop();
  console.log('loop ended');
}

if (require.main === module) void main();
