// Runs the specs in two passes: every spec but those that compare throughput (their ratio means something
// only on an otherwise idle machine), with the arguments given (`npm test -- -w 2`), then those on their
// own, one worker, nothing beside them. Exits non-zero if either pass fails.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

/** Specs that time two runs against each other: a spec running beside them would decide their ratio. */
const ALONE = ['spec/websocket/broadcast-stall.spec.ts'];

const jest = path.join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
const args = process.argv.slice(2);
// A pass that outlives this has hung (Jest waits forever on a handle a failed spec left open): it is killed
// and fails, so CI reports it instead of running into its own limit. The full suite takes 2-4 minutes a pass.
const PASS_LIMIT_MS = 15 * 60 * 1000;
const run = (extra) => {
  const r = spawnSync(process.execPath, [jest, ...extra], { stdio: 'inherit', timeout: PASS_LIMIT_MS, killSignal: 'SIGKILL' });
  if (r.error !== undefined || r.signal !== null) {
    console.error(`jest-then-alone: jest ${extra.join(' ')} did not finish within ${PASS_LIMIT_MS / 60000} min (${r.error?.message ?? r.signal}): killed`);
    return 1;
  }
  return r.status ?? 1;
};

// path patterns among the arguments (`npm test -- spec/socket`): the second pass runs only what they select
const patterns = args.filter((a) => !a.startsWith('-') && Number.isNaN(Number(a)));
const alone = patterns.length === 0 ? ALONE : ALONE.filter((p) => patterns.some((re) => new RegExp(re).test(p)));

const first = run([...args, ...(patterns.length > 0 ? ['--passWithNoTests'] : []), '--testPathIgnorePatterns', ...ALONE.map((p) => p.replace(/\./g, '\\.'))]);
// the second pass takes only the spec paths and -w 1: worker counts meant for the first do not apply
const second = alone.length === 0 ? 0 : run(['-w', '1', ...alone]);
process.exit(first !== 0 ? first : second);
