import { expectParity } from './harness';
import main from './ports/timeout_errors';

it('tests/timeout_errors.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('timeout_errors', main, { pairsBlocks: /^testing: / });
});
