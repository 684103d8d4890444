import { CliError } from './errors.js';

const UNITS: Record<string, number> = { '': 2 ** 20, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/**
 * A memory size as QEMU's -m takes it: a plain number is MiB; suffixes K, M, G, T
 * (optionally followed by "iB" or "B") are binary multiples. Returns bytes.
 */
export function parseMemorySize(text: string, option = '-m'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw new CliError(`${option} ${text}: not a size (examples: 256M, 1G, 512)`);
  const bytes = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  if (!Number.isFinite(bytes) || !Number.isSafeInteger(Math.round(bytes))) throw new CliError(`${option} ${text}: too large`);
  return Math.round(bytes);
}
