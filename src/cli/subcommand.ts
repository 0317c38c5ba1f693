/** One `copas-ts <name>` command: each lives in its own module under src/cli/ and is listed in main.ts. */
export interface Subcommand {
  /** What the user types after `copas-ts`. */
  readonly name: string;
  /** One line for `copas-ts --help`. */
  readonly summary: string;
  /** The full text of `copas-ts <name> --help`. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the process's exit code. */
  run(argv: string[]): Promise<number>;
}

/** A bad command line: main prints the message and the command's usage, and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
