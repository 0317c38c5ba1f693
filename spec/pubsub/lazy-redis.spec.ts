/**
 * node-redis is loaded by the first `pubsub` server, not with the library: loaded, it grew a small server's
 * old generation past V8's 8 MB incremental-marking threshold and halved its 64 KiB echo
 * (bench/results/websocket-ab-7d684fd.md). Checked in fresh processes, whose module cache is their own.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT, TS_NODE } from './helpers';

/** Runs `body` in a fresh Node process with the library as `lib`; returns its stdout. */
function inFreshProcess(body: string): string {
  const script = `const lib = require(${JSON.stringify(path.join(ROOT, 'src'))});
const redisLoaded = () => Object.keys(require.cache).some((k) => k.includes('${path.sep}@redis${path.sep}'));
${body}`;
  return execFileSync(process.execPath, [...TS_NODE, '-e', script], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000,
  });
}

test('loading the library and serving WebSockets without pubsub leaves node-redis unloaded', () => {
  const out = inFreshProcess(`
const server = lib.websocket.server.copas.listen({ port: 0, interface: '127.0.0.1', protocols: { echo: function* () {} } });
console.log(JSON.stringify({ afterListen: redisLoaded() }));
server.close();`);
  expect(JSON.parse(out.trim())).toEqual({ afterListen: false });
});

test('a server with pubsub loads node-redis when it starts its bridge', () => {
  // port 9 (discard) on loopback: nothing answers, which is all this needs; the bridge is closed at once
  const out = inFreshProcess(`
const before = redisLoaded();
const server = lib.websocket.server.copas.listen({ port: 0, interface: '127.0.0.1', protocols: { echo: function* () {} },
  pubsub: { redis: 'redis://127.0.0.1:9' }, on_error: () => {} });
console.log(JSON.stringify({ before, afterListen: redisLoaded() }));
server.close();
setTimeout(() => process.exit(0), 100);`);
  expect(JSON.parse(out.trim())).toEqual({ before: false, afterListen: true });
});
