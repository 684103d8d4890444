/**
 * The few host services the scheduler needs, present in browsers and Node alike (the core
 * packages compile against ES2022 only, without DOM or Node types).
 */
interface HostGlobals {
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setImmediate?: (f: () => void) => unknown;
  performance: { now(): number };
}

const host = globalThis as unknown as HostGlobals;

/** Milliseconds from a monotonic clock. */
export function nowMs(): number {
  return host.performance.now();
}

/** Lets the host event loop run (terminal input, timers), then resumes. */
export function yieldToHost(): Promise<void> {
  return new Promise((resolve) => {
    if (host.setImmediate) host.setImmediate(resolve);
    else host.setTimeout(resolve, 0);
  });
}

/** Resolves after `ms` or when the returned `wake` is called, whichever comes first. */
export function sleepUnless(ms: number): { done: Promise<void>; wake: () => void } {
  let wake: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    const t = host.setTimeout(resolve, ms);
    wake = () => {
      host.clearTimeout(t);
      resolve();
    };
  });
  return { done, wake };
}
