import { expectParity } from './harness';
import main from './ports/queue';

it('tests/queue.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('queue', main);
});
