/** A machine cannot be built as asked (bad size, image that does not fit, unknown ISA...). The message is one line. */
export class VirtMachineError extends Error {
  readonly virtMachineError = true;
  constructor(message: string) {
    super(message);
    this.name = 'VirtMachineError';
  }
  static is(e: unknown): e is VirtMachineError {
    return typeof e === 'object' && e !== null && (e as { virtMachineError?: unknown }).virtMachineError === true;
  }
}
