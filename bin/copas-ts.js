#!/usr/bin/env node
'use strict';
// The copas-ts command: the CLI is built into dist/cli (npm run build; npm pack and npm install build it).
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(`copas-ts: ${entry} is missing: run npm run build\n`);
  process.exit(1);
}
require(entry).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`copas-ts: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 1; },
);
