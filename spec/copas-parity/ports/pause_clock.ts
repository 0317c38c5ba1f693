// Port of lua/pause_clock.lua, line by line.
import { copas } from '../../../src';
import { print } from '../lua-shim';
import { nodeTimerLateness } from '../../support/timer-lateness';

export default async function main(): Promise<void> {
  copas.addthread(function* () {
    let slept = yield* copas.pause(0);
    print('pause(0) after a task busy for 0.1 s: at least 0.1 s', slept >= 0.1, 'under 0.2 s', slept < 0.2);
    const late = nodeTimerLateness(0.001); // not in the Lua: see spec/support/timer-lateness.ts
    slept = yield* copas.pause(0);
    print('pause(0) with nobody busy: under 0.01 s', slept < 0.01 + late());
  });
  copas.addthread(function* () {
    const t = copas.gettime();
    while (copas.gettime() - t < 0.1) { /* busy for 0.1 s */ }
  });
  await copas.loop();
}
