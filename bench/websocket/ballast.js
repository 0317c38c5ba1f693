// Preload (`node -r bench/websocket/ballast.js`): keeps BALLAST_MIB (default 4) MiB of small plain objects alive
// in the old generation, to see how a server's speed depends on where its heap sits against V8's collection
// heuristics (bench/results/websocket-ab-7d684fd.md). About 7,000 of these objects make one MiB.
'use strict';
const mib = Number(process.env.BALLAST_MIB || 4);
globalThis.__benchBallast = Array.from({ length: Math.round(mib * 7000) }, (_, i) => ({ i, s: `x${i}`, a: [i, i + 1] }));
