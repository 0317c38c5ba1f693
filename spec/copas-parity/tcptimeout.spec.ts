import { expectParity } from './harness';
import main from './ports/tcptimeout';

it('tests/tcptimeout.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('tcptimeout', main, { pairsBlocks: /^testing: / });
});
