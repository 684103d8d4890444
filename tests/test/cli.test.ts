// The README's first command and the finisher's exit status, end to end: through the
// `tsvisor machine` command line (as a user runs it) and through machine.run().
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_DIR, elfPath } from '../src/env.js';
import { runQemu } from '../src/qemu.js';
import { runTsvisor } from '../src/tsvisor.js';

function cli(...args: string[]): { stdout: string; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=@tsvisor/source', '--import', 'tsx', join(REPO_DIR, 'apps/cli/src/main.ts'), ...args],
    { cwd: REPO_DIR, encoding: 'latin1', timeout: 240_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: r.stdout, status: r.status, stderr: r.stderr };
}

describe('tsvisor machine --bios none --kernel <elf>', () => {
  it('boots the demo guest: banner with the hart id, exit status 0', () => {
    const r = cli('machine', '--bios', 'none', '--kernel', elfPath('hello'));
    expect(r.stdout, r.stderr).toContain('Hello from tsvisor! RISC-V hart 0 is up; bye.');
    expect(r.status, r.stderr).toBe(0);
  });

  it('machine.run() resolves with the finisher FAIL code, like QEMU\'s exit status', async () => {
    const q = await runQemu(elfPath('exit-code'));
    expect(q.status).toBe(3);
    const t = await runTsvisor(elfPath('exit-code'));
    expect(t.status).toBe(3);
    expect(t.output).toBe('x\n');
  });
});
