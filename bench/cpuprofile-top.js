// Summarizes a V8 .cpuprofile: top functions by self time (and their file:line).
//   node bench/cpuprofile-top.js /path/to/file.cpuprofile [top=25] [exclude-regex]
// e.g. exclude ts-node's compile work and idle time: 'node_modules|node:|\(idle\)|\(program\)'
'use strict';
const fs = require('fs');
const path = require('path');
const file = process.argv[2];
const top = Number(process.argv[3] || 25);
const exclude = process.argv[4] ? new RegExp(process.argv[4]) : null;
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  self.set(id, (self.get(id) || 0) + (dt[i] || 0));
}
const agg = new Map();
let total = 0;
for (const [id, us] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const key = `${cf.functionName || '(anonymous)'}  ${cf.url ? path.relative(process.cwd(), cf.url.replace('file://', '')) : ''}:${cf.lineNumber + 1}`;
  if (exclude && (exclude.test(key) || exclude.test(cf.url))) continue;
  agg.set(key, (agg.get(key) || 0) + us);
  total += us;
}
const rows = [...agg].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
for (const [k, us] of rows) console.log(`${(100 * us / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
