import type { Command } from './command.ts';
import { UsageError } from './command.ts';

/** Subcommands with a one-line summary each; the module commands/<name>.ts implements each one. */
const COMMANDS: Record<string, string> = {
  classify: 'classify alert files, folders or archives and write classifications',
  simulate: 'write a seeded simulated ZTF night as Avro alert files, with a truth table',
  features: 'compute feature tables from labeled light curves, for training',
  serve: 'consume alert topics from Kafka and publish one classification per alert',
  replay: 'produce alert files, folders or archives into a Kafka topic as a survey does',
};

function printHelp(): void {
  const lines = Object.entries(COMMANDS).map(([name, summary]) => `  ${name.padEnd(10)} ${summary}`);
  process.stdout.write(`usage: lightbridge <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    `Run "lightbridge <command> --help" for the options of one command.\n`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    printHelp();
    return name === undefined ? 2 : 0;
  }
  if (!(name in COMMANDS)) {
    process.stderr.write(`lightbridge: unknown command "${name}"\n`);
    printHelp();
    return 2;
  }

  const module = (await import(`./commands/${name}.ts`)) as { command: Command };
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(module.command.usage);
    return 0;
  }
  try {
    return await module.command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`lightbridge ${name}: ${error.message}\n\n${module.command.usage}`);
      return 2;
    }
    // Errors that reach here stop the command. They are printed in one line, with the stack only
    // when debugging, so an operator reads the cause (missing model, bad configuration) first.
    const failure = error instanceof Error ? error : new Error(String(error));
    process.stderr.write(`lightbridge ${name}: ${failure.message}\n`);
    if (process.env.LIGHTBRIDGE_LOG_LEVEL === 'debug') process.stderr.write(`${failure.stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
