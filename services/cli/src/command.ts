/** A `lightbridge` subcommand. Each lives in its own module under commands/ and is loaded on use. */
export interface Command {
  /** Usage text printed by `lightbridge <name> --help`. */
  usage: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** A problem with the command line itself; main prints the message and the usage, and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
