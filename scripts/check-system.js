// The system programs the specs run, checked before `npm test` so a machine without one stops at once with
// one line naming the Debian package, instead of failing inside a spec. `.ci/run` installs what
// `node scripts/check-system.js --missing` prints. Add a line here when a spec starts to need a program.
const fs = require('node:fs');
const path = require('node:path');

/** [program (a name on PATH, or an absolute path), Debian package, what uses it] */
const NEEDED = [
  ['/usr/bin/chromium', 'chromium', 'the browser spec (spec/examples)'],
  ['openssl', 'openssl', 'TLS certificates for the wss and TLS specs'],
  ['redis-server', 'redis-server', 'pub/sub across processes'],
  ['/usr/bin/python3', 'python3', 'a listener that never accepts (spec/copas-parity/tcptimeout)'],
];

function found(program) {
  if (path.isAbsolute(program)) return fs.existsSync(program);
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, program)));
}

const missing = NEEDED.filter(([program]) => !found(program));
if (process.argv.includes('--missing')) {
  process.stdout.write(missing.map(([, pkg]) => pkg).join(' ') + (missing.length > 0 ? '\n' : ''));
} else if (missing.length > 0) {
  const pkgs = missing.map(([, pkg]) => pkg).join(' ');
  const why = missing.map(([, pkg, use]) => `${pkg}: ${use}`).join('; ');
  console.error(`npm test needs system packages that are missing (${why}): sudo apt-get install ${pkgs}  (or run: bash .ci/run, which installs them)`);
  process.exit(1);
}
