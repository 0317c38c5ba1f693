/** Shared helpers for the socket specs: a loopback server on a free port and a self-signed certificate. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { socket, type TcpServer } from '../../src';

/** A server bound to 127.0.0.1 on a free port. */
export function listen(): [TcpServer, number] {
  const [server, err] = socket.bind('127.0.0.1', 0);
  if (server === null) throw new Error(String(err));
  const [, port] = server.getsockname();
  return [server, port as number];
}

/** A self-signed RSA certificate for localhost, made with the openssl CLI in a temp dir. */
export function selfSignedCert(): { key: string; certificate: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-ts-tls-'));
  const key = path.join(dir, 'k.pem');
  const certificate = path.join(dir, 'c.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certificate,
    '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  return { key, certificate, dir };
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(typeof data === 'string' ? Buffer.from(data, 'latin1') : data).digest('hex');
}

/** `n` bytes of a repeating, non-uniform pattern (so a reordering or a lost chunk changes the hash). */
export function patternBuffer(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >>> 10)) & 0xff;
  return b;
}
