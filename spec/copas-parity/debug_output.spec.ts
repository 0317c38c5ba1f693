import { expectParity } from './harness';
import main from './ports/debug_output';

it('copas.debug prints what Copas prints for task switches (lua/debug_output.lua)', async () => {
  await expectParity('debug_output', main);
});
