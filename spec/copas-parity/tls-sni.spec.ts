import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectParity } from './harness';
import main from './ports/tls-sni';

let certs = '';
beforeAll(() => {
  certs = mkdtempSync(join(tmpdir(), 'parity-certs-'));
  execFileSync('bash', [join(__dirname, 'make-certs.sh'), certs]);
  process.env.PARITY_CERTS = certs;
});
afterAll(() => {
  delete process.env.PARITY_CERTS;
  rmSync(certs, { recursive: true, force: true });
});

it('tests/tls-sni.lua prints what it prints under Copas 4.11', async () => {
  await expectParity('tls-sni', main);
});
