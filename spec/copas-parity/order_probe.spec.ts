import { expectParity } from './harness';
import main from './ports/order_probe';

it('a sleeper whose deadline passed during a step wakes in the next step (lua/order_probe.lua)', async () => {
  await expectParity('order_probe', main);
});
