import { expectParity } from './harness';
import main from './ports/pause_clock';

it('pause(0) returns what the other tasks of the step took: the clock is read every step (lua/pause_clock.lua)', async () => {
  await expectParity('pause_clock', main);
});
