// Runs the specs in two passes: every spec but those that compare throughput (their ratio means something
// only on an otherwise idle machine), with the arguments given (`npm test -- -w 2`), then those on their
// own, one worker, nothing beside them. Exits non-zero if either pass fails.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

/** Specs that time two runs against each other: a spec running beside them would decide their ratio. */
const ALONE = ['spec/websocket/broadcast-stall.spec.ts'];

const jest = path.join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
const args = process.argv.slice(2);
const run = (extra) => spawnSync(process.execPath, [jest, ...extra], { stdio: 'inherit' }).status ?? 1;

// path patterns among the arguments (`npm test -- spec/socket`): the second pass runs only what they select
const patterns = args.filter((a) => !a.startsWith('-') && Number.isNaN(Number(a)));
const alone = patterns.length === 0 ? ALONE : ALONE.filter((p) => patterns.some((re) => new RegExp(re).test(p)));

const first = run([...args, ...(patterns.length > 0 ? ['--passWithNoTests'] : []), '--testPathIgnorePatterns', ...ALONE.map((p) => p.replace(/\./g, '\\.'))]);
// the second pass takes only the spec paths and -w 1: worker counts meant for the first do not apply
const second = alone.length === 0 ? 0 : run(['-w', '1', ...alone]);
process.exit(first !== 0 ? first : second);
