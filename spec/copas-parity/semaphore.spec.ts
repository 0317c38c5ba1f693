import { expectParity } from './harness';
import main from './ports/semaphore';

it('tests/semaphore.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('semaphore', main);
});
