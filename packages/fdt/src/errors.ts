/** Any problem building or reading a device tree blob. The message is one line naming the problem. */
export class FdtError extends Error {
  /** Recognisable across duplicate installs of this package. */
  readonly fdtError = true;
  constructor(message: string) {
    super(message);
    this.name = 'FdtError';
  }
  static is(e: unknown): e is FdtError {
    return typeof e === 'object' && e !== null && (e as { fdtError?: unknown }).fdtError === true;
  }
}
