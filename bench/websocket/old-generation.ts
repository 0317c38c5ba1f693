/**
 * Prints the live old generation of a copas-ts echo server right after listen (after two forced collections),
 * and whether node-redis got loaded: what decides where a small server's heap sits against V8's
 * incremental-marking heuristics (bench/results/websocket-ab-7d684fd.md). It measures the plain JavaScript the
 * echo benchmark's servers run (children.ts), not ts-node, whose compiler would be most of the heap.
 *   npx ts-node --transpile-only bench/websocket/old-generation.ts      (COPAS_SRC, COPAS_ALT_SRC as in run.ts)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILD, ROOT } from './children';

const MEASURE = `
const v8 = require('node:v8'); const path = require('node:path');
const { websocket } = require(process.argv[1]);
const server = websocket.server.copas.listen({ port: 0, interface: '127.0.0.1', pingInterval: null,
  protocols: { echo: function* (ws) { for (;;) { const [m, op] = yield* ws.receive(); if (m === null) return; yield* ws.send(m, op); } } } });
gc(); gc();
const used = new Map(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
const old = ['old_space', 'code_space', 'large_object_space', 'code_large_object_space', 'trusted_space', 'trusted_large_object_space']
  .reduce((sum, name) => sum + (used.get(name) ?? 0), 0);
const redis = Object.keys(require.cache).some((k) => k.includes(path.sep + '@redis' + path.sep));
console.log((old / 1048576).toFixed(2) + ' MiB, node-redis loaded: ' + redis);
server.close();`;

const trees: [string, string][] = [[process.env.COPAS_SRC ?? 'src', path.join(BUILD, 'src')]];
if (process.env.COPAS_ALT_SRC) trees.push([process.env.COPAS_ALT_SRC, path.join(BUILD, 'alt-src')]);
for (const [label, lib] of trees) {
  if (!fs.existsSync(lib)) throw new Error(`old-generation: ${lib} was not built`);
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', MEASURE, lib], {
    encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  console.log(`${label}: old generation after listen ${out.trim()}`);
}
