// Writes dist/index.mjs: an ES module entry that re-exports the CommonJS build, so
// `import { copas } from 'copas-ts'` and `require('copas-ts')` share one instance (one scheduler),
// and dist/index.d.mts, its types: the CommonJS declarations seen as an ES module, so TypeScript under
// node16/nodenext resolves `import` to ESM types and `require` to CommonJS ones (no "masquerading as CJS").
const fs = require('node:fs');
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist');
const cjs = require(path.join(dist, 'index.js'));
const names = Object.keys(cjs).filter((n) => n !== 'default' && n !== '__esModule');
const body = [
  "import cjs from './index.js';",
  ...names.map((n) => `export const ${n} = cjs.${n};`),
  'export default cjs;',
  '',
].join('\n');
fs.writeFileSync(path.join(dist, 'index.mjs'), body);
const types = [
  "export * from './index.js';",
  "import * as cjs from './index.js';",
  'export default cjs;',
  '',
].join('\n');
fs.writeFileSync(path.join(dist, 'index.d.mts'), types);
