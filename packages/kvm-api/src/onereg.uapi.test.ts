/**
 * The ONE_REG ids and KVM constants against the real Linux uapi headers: a
 * small C program, built with riscv64-linux-gnu-gcc from whatever the
 * installed header defines, prints them under qemu-riscv64; every value must
 * match ours, and every register/extension name the header has must be in our
 * tables at the same position.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as defs from './defs';
import {
  KVM_REG, KVM_RISCV_AIA_CSR_REGS, KVM_RISCV_CONFIG_REGS, KVM_RISCV_CORE_REGS, KVM_RISCV_CSR_REGS, KVM_RISCV_ISA_EXT_IDS,
  KVM_RISCV_SBI_EXT_IDS, KVM_RISCV_SBI_STA_REGS, KVM_RISCV_SMSTATEEN_CSR_REGS, KVM_RISCV_TIMER_REGS,
} from './onereg';

const SYSROOT = '/usr/riscv64-linux-gnu/include';
const HEADER = join(SYSROOT, 'asm/kvm.h');
const PTRACE = join(SYSROOT, 'asm/ptrace.h');

function need(cmd: string, pkg: string): void {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${cmd} is required by this test and was not found: install ${pkg} (tooling/scripts/setup.sh does)`);
  }
}

/** Field names of `struct <name> { ... };` in a header, or undefined when the struct is absent. */
function structFields(text: string, name: string): string[] | undefined {
  const m = new RegExp(`struct ${name} \\{([^}]*)\\};`).exec(text);
  if (!m) return undefined;
  return [...m[1]!.matchAll(/^\s*(?:unsigned long|__u64|__u32|struct \w+)\s+(\w+);/gm)].map((x) => x[1]!);
}

function enumMembers(text: string, name: string): string[] | undefined {
  const m = new RegExp(`enum ${name} \\{([^}]*)\\};`).exec(text);
  if (!m) return undefined;
  return [...m[1]!.matchAll(/^\s*(\w+)/gm)].map((x) => x[1]!).filter((n) => !n.endsWith('_MAX'));
}

describe('ONE_REG ids and KVM constants match the Linux uapi headers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvm-uapi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every id the installed header defines', () => {
    if (!existsSync(HEADER)) {
      throw new Error(`${HEADER} not found: install libc6-dev-riscv64-cross (it pulls in linux-libc-dev-riscv64-cross)`);
    }
    need('riscv64-linux-gnu-gcc', 'gcc-riscv64-linux-gnu');
    need('qemu-riscv64', 'qemu-user');
    const h = readFileSync(HEADER, 'utf8');
    const ptrace = readFileSync(PTRACE, 'utf8');
    const expected = new Map<string, bigint>();
    const lines: string[] = [];
    const emit = (key: string, cExpr: string, ours: bigint) => {
      expected.set(key, BigInt.asUintN(64, ours));
      lines.push(`  P("${key}", (unsigned long long)(${cExpr}));`);
    };
    const base = 'KVM_REG_RISCV | KVM_REG_SIZE_ULONG';
    const sub = (macro: string) => (h.includes(`#define ${macro}`) ? ` | ${macro}` : '');

    const config = structFields(h, 'kvm_riscv_config')!;
    config.forEach((f) => {
      expect(KVM_RISCV_CONFIG_REGS.indexOf(f as never), `config.${f}`).toBe(config.indexOf(f));
      emit(`config.${f}`, `${base} | KVM_REG_RISCV_CONFIG | KVM_REG_RISCV_CONFIG_REG(${f})`, KVM_REG.config(f as never));
    });
    const regs = structFields(ptrace, 'user_regs_struct')!.map((r) => `regs.${r}`).concat(['mode']);
    regs.forEach((r, i) => {
      expect(KVM_RISCV_CORE_REGS[i]).toBe(r);
      emit(`core.${r}`, `${base} | KVM_REG_RISCV_CORE | KVM_REG_RISCV_CORE_REG(${r})`, KVM_REG.core(r as never));
    });
    const csr = structFields(h, 'kvm_riscv_csr')!;
    csr.forEach((f, i) => {
      expect(KVM_RISCV_CSR_REGS[i]).toBe(f);
      emit(`csr.${f}`, `${base} | KVM_REG_RISCV_CSR${sub('KVM_REG_RISCV_CSR_GENERAL')} | KVM_REG_RISCV_CSR_REG(${f})`, KVM_REG.csr(f as never));
    });
    structFields(h, 'kvm_riscv_aia_csr')?.forEach((f, i) => {
      expect(KVM_RISCV_AIA_CSR_REGS[i]).toBe(f);
      emit(`aia.${f}`, `${base} | KVM_REG_RISCV_CSR | KVM_REG_RISCV_CSR_AIA | KVM_REG_RISCV_CSR_AIA_REG(${f})`, KVM_REG.aiaCsr(f as never));
    });
    structFields(h, 'kvm_riscv_smstateen_csr')?.forEach((f, i) => {
      expect(KVM_RISCV_SMSTATEEN_CSR_REGS[i]).toBe(f);
      emit(`smstateen.${f}`, `${base} | KVM_REG_RISCV_CSR | KVM_REG_RISCV_CSR_SMSTATEEN | KVM_REG_RISCV_CSR_SMSTATEEN_REG(${f})`, KVM_REG.smstateenCsr(f as never));
    });
    structFields(h, 'kvm_riscv_timer')!.forEach((f, i) => {
      expect(KVM_RISCV_TIMER_REGS[i]).toBe(f);
      emit(`timer.${f}`, `KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_TIMER | KVM_REG_RISCV_TIMER_REG(${f})`, KVM_REG.timer(f as never));
    });
    for (let i = 0; i < 32; i++) {
      emit(`fpf.f${i}`, `KVM_REG_RISCV | KVM_REG_SIZE_U32 | KVM_REG_RISCV_FP_F | KVM_REG_RISCV_FP_F_REG(f[${i}])`, KVM_REG.fpF(i));
      emit(`fpd.f${i}`, `KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_FP_D | KVM_REG_RISCV_FP_D_REG(f[${i}])`, KVM_REG.fpD(i));
    }
    emit('fpf.fcsr', 'KVM_REG_RISCV | KVM_REG_SIZE_U32 | KVM_REG_RISCV_FP_F | KVM_REG_RISCV_FP_F_REG(fcsr)', KVM_REG.fpF(32));
    emit('fpd.fcsr', 'KVM_REG_RISCV | KVM_REG_SIZE_U32 | KVM_REG_RISCV_FP_D | KVM_REG_RISCV_FP_D_REG(fcsr)', KVM_REG.fpD(32));
    const isa = enumMembers(h, 'KVM_RISCV_ISA_EXT_ID')!;
    isa.forEach((m, i) => {
      const ext = m.replace('KVM_RISCV_ISA_EXT_', '');
      expect(KVM_RISCV_ISA_EXT_IDS[i]).toBe(ext);
      emit(`isa.${ext}`, `${base} | KVM_REG_RISCV_ISA_EXT${sub('KVM_REG_RISCV_ISA_SINGLE')} | ${m}`, KVM_REG.isaExt(ext as never));
    });
    const sbi = enumMembers(h, 'KVM_RISCV_SBI_EXT_ID');
    sbi?.forEach((m, i) => {
      const ext = m.replace('KVM_RISCV_SBI_EXT_', '');
      expect(KVM_RISCV_SBI_EXT_IDS[i]).toBe(ext);
      emit(`sbi.${ext}`, `${base} | KVM_REG_RISCV_SBI_EXT${sub('KVM_REG_RISCV_SBI_SINGLE')} | ${m}`, KVM_REG.sbiExt(ext as never));
    });
    structFields(h, 'kvm_riscv_sbi_sta')?.forEach((f, i) => {
      expect(KVM_RISCV_SBI_STA_REGS[i]).toBe(f);
      emit(`sta.${f}`, `${base} | KVM_REG_RISCV_SBI_STATE | KVM_REG_RISCV_SBI_STA | KVM_REG_RISCV_SBI_STA_REG(${f})`, KVM_REG.sbiSta(f as never));
    });
    const consts = ['KVM_API_VERSION', 'KVM_EXIT_MMIO', 'KVM_EXIT_SHUTDOWN', 'KVM_EXIT_FAIL_ENTRY', 'KVM_EXIT_INTR', 'KVM_EXIT_INTERNAL_ERROR',
      'KVM_EXIT_SYSTEM_EVENT', 'KVM_EXIT_RISCV_SBI', 'KVM_EXIT_RISCV_CSR', 'KVM_SYSTEM_EVENT_SHUTDOWN', 'KVM_SYSTEM_EVENT_RESET',
      'KVM_SYSTEM_EVENT_SUSPEND', 'KVM_MP_STATE_RUNNABLE', 'KVM_MP_STATE_STOPPED', 'KVM_INTERRUPT_SET', 'KVM_INTERRUPT_UNSET',
      'KVM_MEM_READONLY', 'KVM_CAP_USER_MEMORY', 'KVM_CAP_NR_VCPUS', 'KVM_CAP_NR_MEMSLOTS', 'KVM_CAP_MP_STATE', 'KVM_CAP_MAX_VCPUS',
      'KVM_CAP_ONE_REG', 'KVM_CAP_READONLY_MEM', 'KVM_CAP_DEVICE_CTRL', 'KVM_CAP_MAX_VCPU_ID', 'KVM_CAP_IMMEDIATE_EXIT', 'KVM_INTERNAL_ERROR_EMULATION'] as const;
    for (const c of consts) emit(`const.${c}`, c, BigInt((defs as Record<string, number>)[c]!));

    const src = `#include <stdio.h>
#include <stddef.h>
#include <linux/kvm.h>
/* Linux's own tools spell the XLEN-sized register size like this; the uapi header leaves it to the user. */
#ifndef KVM_REG_SIZE_ULONG
#define KVM_REG_SIZE_ULONG (sizeof(unsigned long) == 8 ? KVM_REG_SIZE_U64 : KVM_REG_SIZE_U32)
#endif
static void P(const char *k, unsigned long long v) { printf("%s 0x%016llx\\n", k, v); }
int main(void) {
${lines.join('\n')}
  return 0;
}
`;
    writeFileSync(join(dir, 'ids.c'), src);
    const cc = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O0', '-o', join(dir, 'ids'), join(dir, 'ids.c')], { encoding: 'utf8' });
    expect(cc.status, `riscv64-linux-gnu-gcc failed:\n${cc.stderr}`).toBe(0);
    const run = spawnSync('qemu-riscv64', [join(dir, 'ids')], { encoding: 'utf8' });
    expect(run.status, `qemu-riscv64 failed:\n${run.stderr}`).toBe(0);
    const got = new Map(run.stdout.trim().split('\n').map((l) => {
      const [k, v] = l.split(' ');
      return [k!, BigInt(v!)] as const;
    }));
    expect(got.size).toBe(expected.size);
    const mismatches = [...expected].filter(([k, v]) => got.get(k) !== v).map(([k, v]) => `${k}: ours 0x${v.toString(16)}, header 0x${got.get(k)?.toString(16)}`);
    expect(mismatches).toEqual([]);
    // The header this machine has is old: make sure the check really covered something of each family.
    expect([...got.keys()].filter((k) => k.startsWith('isa.')).length).toBeGreaterThanOrEqual(12);
    expect(got.get('core.regs.pc')).toBe(0x8030000002000000n);
  });
});
