// One family of typed errors; each message is one line that names the file and the problem.

/** Base class of every loader error. `LoaderError.is(e)` works across duplicate installs. */
export class LoaderError extends Error {
  readonly loaderError = true;
  constructor(message: string) {
    super(message);
    this.name = 'LoaderError';
  }
  static is(e: unknown): e is LoaderError {
    return typeof e === 'object' && e !== null && (e as { loaderError?: unknown }).loaderError === true;
  }
}

/** The file is not in the format asked for, or is for another machine (wrong magic, class, endianness, e_machine). */
export class ImageFormatError extends LoaderError {
  constructor(message: string) {
    super(message);
    this.name = 'ImageFormatError';
  }
}

/** The file ends before a header or segment it declares. */
export class TruncatedImageError extends LoaderError {
  constructor(message: string) {
    super(message);
    this.name = 'TruncatedImageError';
  }
}

/** Something would be placed outside guest RAM. */
export class ImageDoesNotFitError extends LoaderError {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDoesNotFitError';
  }
}

/** Two images would overlap in guest memory. */
export class ImageOverlapError extends LoaderError {
  constructor(message: string) {
    super(message);
    this.name = 'ImageOverlapError';
  }
}
