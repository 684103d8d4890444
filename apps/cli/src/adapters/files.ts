import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { CliError } from '../errors.js';

/** Reads a guest image for `option` (e.g. '--kernel'); a missing or unreadable file is a CliError. */
export function readImage(path: string, option: string): { bytes: Uint8Array; name: string } {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CliError(`${option} ${path}: no such file`);
  }
  if (!st.isFile()) throw new CliError(`${option} ${path}: not a regular file`);
  try {
    const b = readFileSync(path);
    return { bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength), name: path };
  } catch (e) {
    throw new CliError(`${option} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Writes a file for `option`; failure is a CliError. */
export function writeOutput(path: string, bytes: Uint8Array, option: string): void {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new CliError(`${option} ${path}: cannot write it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
