import { expectParity } from './harness';
import main from './ports/errhandlers';

it('tests/errhandlers.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('errhandlers', main, { pairsBlocks: /^testing: / });
});
