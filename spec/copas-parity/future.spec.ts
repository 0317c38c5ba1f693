import { expectParity } from './harness';
import main from './ports/future';

it('tests/future.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('future', main);
});
