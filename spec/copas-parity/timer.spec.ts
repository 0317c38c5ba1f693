import { expectParity } from './harness';
import main from './ports/timer';

it('tests/timer.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('timer', main);
});
