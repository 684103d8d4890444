/** The tsvisor command line, callable in-process: returns the exit status instead of exiting. */
import { Command, CommanderError } from 'commander';
import { machineCommand, runMachineCommand, type MachineCliOptions } from './commands/machine.js';
import { runCommand, runRunCommand, type RunCliOptions } from './commands/run.js';
import { CliError } from './errors.js';

export interface CliIo {
  /** One line of error output (without the newline). */
  error(line: string): void;
}

const defaultIo: CliIo = { error: (line) => process.stderr.write(`${line}\n`) };

/** Runs `tsvisor <argv...>` (argv without the node and script paths); resolves with the exit status. */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let status = 0;
  const program = new Command('tsvisor')
    .description('RISC-V virtualization in TypeScript')
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  program.addCommand(
    machineCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => {} })
      .action(async (opts: MachineCliOptions) => {
        status = await runMachineCommand(opts);
      }),
  );
  program.addCommand(
    runCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => {} })
      .action(async (opts: RunCliOptions) => {
        status = await runRunCommand(opts);
      }),
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // --help, --version
      if (e.code === 'commander.help') {
        // `tsvisor` without a command: the usage, on stderr.
        io.error(program.helpInformation().trimEnd());
        return 1;
      }
      io.error(`tsvisor: ${e.message.replace(/^error: /, '')}`);
      return 1;
    }
    if (CliError.is(e)) {
      io.error(`tsvisor: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
