import { expectParity, useParityCerts } from './harness';
import main from './ports/tls-sni';

useParityCerts();

it('tests/tls-sni.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('tls-sni', main);
});
