import { expectParity } from './harness';
import main from './ports/removethread';

it('tests/removethread.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('removethread', main);
});
