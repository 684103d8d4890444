/**
 * A user error the CLI reports as one line, `tsvisor: <message>`, with exit status 1.
 * `CliError.is` recognises it across duplicate installs.
 */
export class CliError extends Error {
  readonly cliError = true;
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
  static is(e: unknown): e is CliError {
    return typeof e === 'object' && e !== null && (e as { cliError?: unknown }).cliError === true;
  }
}
