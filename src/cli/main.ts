import { connect } from './connect';
import { inspect } from './inspect';
import { serve } from './serve';
import { UsageError, type Subcommand } from './subcommand';

/** The subcommands, in the order `copas-ts --help` lists them. A new one is a module and a line here. */
export const subcommands: readonly Subcommand[] = [connect, serve, inspect];

function overview(): string {
  const width = Math.max(...subcommands.map((c) => c.name.length));
  return [
    'Usage: copas-ts <command> [options]',
    '',
    'Commands:',
    ...subcommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'copas-ts <command> --help' for a command's options.",
  ].join('\n');
}

/** Runs `copas-ts` with these arguments (the ones after the program name); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? subcommands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${topic === undefined ? overview() : topic.usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = subcommands.find((c) => c.name === name);
  if (command === undefined) {
    process.stderr.write(`copas-ts: unknown command '${name}'\n\n${overview()}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${command.usage}\n`);
    return 2;
  }
}
