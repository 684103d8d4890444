/**
 * The self-checking bare-metal programs in tests/baremetal and what the oracle (QEMU 7.2)
 * does with them. Every program must pass on tsvisor. On QEMU a program either passes, or
 * fails exactly the checks listed in `qemuDepartures` (QEMU 7.2 departs from the spec there,
 * and the program expects the spec behaviour), or cannot run (`qemu: 'unsupported'`).
 */
export interface QemuDeparture {
  /** The check's name as the program prints it. */
  check: string;
  /** What the spec says, and what QEMU 7.2 does instead. */
  why: string;
}

export interface GuestProgram {
  name: string;
  covers: string;
  qemu: 'runs' | 'unsupported';
  qemuWhy?: string;
  qemuDepartures?: QemuDeparture[];
  /** The ISA string tsvisor's hart gets for this program (default: the board's). */
  isa?: string;
  /** Harts the program expects (default 1). */
  harts?: number;
  /** Run QEMU with `-cpu rv64,h=true`. */
  h?: boolean;
}

const AMO_CAUSE = 'priv spec, "Machine Cause Register" table: exception codes 6 and 7 are "Store/AMO address misaligned" and ' +
  '"Store/AMO access fault"; an AMO is a store/AMO access. QEMU 7.2 reports the load codes (4/5) for AMOs.';

export const PROGRAMS: GuestProgram[] = [
  { name: 'rv64i-alu', covers: 'RV64I ALU register and immediate forms', qemu: 'runs' },
  { name: 'rv64i-ctl', covers: 'RV64I branches, jumps, LUI/AUIPC, loads/stores, FENCE, Zifencei, Zihintpause', qemu: 'runs' },
  { name: 'rv64m', covers: 'RV64M', qemu: 'runs' },
  { name: 'rv64a', covers: 'RV64A LR/SC and AMOs', qemu: 'runs' },
  { name: 'rvc', covers: 'RV64C', qemu: 'runs' },
  { name: 'rv64fd', covers: 'RV64F/D, rounding modes, flags, NaN boxing', qemu: 'runs' },
  { name: 'zicsr', covers: 'Zicsr', qemu: 'runs' },
  {
    name: 'zb', covers: 'Zba/Zbb/Zbc/Zbs', qemu: 'runs',
    qemuDepartures: [{
      check: 'ctzw 0x8000000000000000',
      why: 'Zbb: "ctzw counts the number of 0 bits at the LSB end of the least-significant word", so a zero low word gives 32; QEMU 7.2 returns 63 here.',
    }],
  },
  {
    name: 'zicond', covers: 'Zicond', qemu: 'unsupported',
    // The virt board's default ISA string leaves Zicond out (QEMU 7.2 has none); ask for it.
    isa: 'rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_zicond_sstc',
    qemuWhy: 'Zicond was ratified after QEMU 7.2; it decodes czero.* as illegal instructions.',
  },
  {
    name: 'traps', covers: 'illegal instruction, misaligned and access faults, ecall from U/S/M, ebreak, vectored mtvec', qemu: 'runs',
    qemuDepartures: [
      { check: 'misaligned amoadd.w: store/AMO misaligned or access fault', why: AMO_CAUSE },
      { check: 'amo to a hole: store/AMO access fault', why: AMO_CAUSE },
    ],
  },
  { name: 'interrupts', covers: 'CLINT timer and msip interrupts, WFI, priority, delegation to S, Sstc', qemu: 'runs' },
  {
    name: 'priv', covers: 'MRET/SRET, medeleg, TW/TSR/TVM, CSR privilege, counters and counter-enables, misa, FS', qemu: 'runs',
    qemuDepartures: [
      { check: 'mepc bit 0 reads 0', why: 'priv spec, "Machine Exception Program Counter": "The low bit of mepc (mepc[0]) is always zero"; QEMU 7.2 reads back the bit as written and masks it only on MRET.' },
      { check: 'mret to S clears MPRV', why: 'priv spec 1.12, "Privilege and Global Interrupt-Enable Stack in mstatus": "An MRET or SRET instruction that changes the privilege mode to a mode less privileged than M also sets MPRV=0"; QEMU 7.2 leaves MPRV set.' },
    ],
  },
  { name: 'pmp', covers: 'PMP NAPOT/TOR, permissions, priority, no-match, locked entries', qemu: 'runs' },
  { name: 'vm', covers: 'Sv39/Sv48/Sv57 user and supervisor code, page faults, SUM/MXR, SFENCE.VMA, MPRV', qemu: 'runs' },
  { name: 'smp', covers: 'two harts: entry a0 = mhartid, AMO and LR/SC contention, WFI wake-up by msip IPI', qemu: 'runs', harts: 2 },
  { name: 'smc', covers: 'hot code rewritten by stores/AMOs (FENCE.I) or remapped (SFENCE.VMA, ASIDs)', qemu: 'runs' },
];
