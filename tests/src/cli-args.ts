/** `--name N` from the command line as a whole number, `def` when absent; a bad value exits 2 with one line. */
export function wholeArg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`--${name} ${process.argv[i + 1]}: expected a whole number`);
    process.exit(2);
  }
  return v;
}
