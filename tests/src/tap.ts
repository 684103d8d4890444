/** The result lines bare-metal programs print: "ok N - name" / "not ok N - name got=.. want=..". */
export interface CheckLine {
  n: number;
  ok: boolean;
  name: string;
  line: string;
}

export function parseChecks(output: string): CheckLine[] {
  const out: CheckLine[] = [];
  for (const line of output.split('\n')) {
    const m = /^(not )?ok (\d+) - (.*?)(?: got=0x[0-9a-f]+ want=0x[0-9a-f]+)?$/.exec(line.trimEnd());
    if (m) out.push({ n: Number(m[2]), ok: !m[1], name: m[3]!, line: line.trimEnd() });
  }
  return out;
}

/** A short report of a run: failing checks and the last lines, for assertion messages. */
export function summarize(output: string, status: number | null, maxLines = 20): string {
  const failing = parseChecks(output).filter((c) => !c.ok).map((c) => c.line);
  const tail = output.trimEnd().split('\n').slice(-5);
  const parts = [`exit status ${status === null ? 'none (timed out)' : status}`];
  if (failing.length) parts.push(`failing checks:\n  ${failing.slice(0, maxLines).join('\n  ')}`);
  parts.push(`last output:\n  ${tail.join('\n  ')}`);
  return parts.join('\n');
}
