import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './subcommand';

type Options = NonNullable<ParseArgsConfig['options']>;
const help = { type: 'boolean', short: 'h' } as const;
type Config<O extends Options> = { args: string[]; options: O & { help: typeof help }; allowPositionals: true; strict: true };
/** What parseOptions returns: Node's parseArgs result for these options plus --help. */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>;

/**
 * Node's parseArgs with `-h, --help` added and `positionals` arguments required (unless --help), its errors
 * turned into a UsageError naming the command.
 */
export function parseOptions<O extends Options>(command: string, argv: string[], options: O, positionals: number): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs<Config<O>>({ args: argv, options: { ...options, help }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`copas-ts ${command}: ${(err as Error).message}`);
  }
  if ((parsed.values as { help?: boolean }).help !== true && parsed.positionals.length !== positionals) {
    const want = positionals === 0 ? 'no arguments' : `${positionals} argument${positionals > 1 ? 's' : ''}`;
    throw new UsageError(`copas-ts ${command}: expected ${want}, got ${parsed.positionals.length}`);
  }
  return parsed;
}

/** A number option: `--name 8080`, else the default; anything else is a UsageError. */
export function numberOption(command: string, name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new UsageError(`copas-ts ${command}: --${name} must be a number >= ${min}, got '${value}'`);
  }
  return n;
}
