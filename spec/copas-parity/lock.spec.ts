import { expectParity } from './harness';
import main from './ports/lock';

it('tests/lock.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('lock', main);
});
