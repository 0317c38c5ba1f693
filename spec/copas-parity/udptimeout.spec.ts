import { expectParity } from './harness';
import main from './ports/udptimeout';

it('tests/udptimeout.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('udptimeout', main, { pairsBlocks: /^testing: / });
});
