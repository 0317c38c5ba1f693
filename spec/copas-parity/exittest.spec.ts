import { expectParity } from './harness';
import main from './ports/exittest';

it('tests/exittest.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('exittest', main);
});
