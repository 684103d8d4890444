import { parseDtb } from '@tsvisor/fdt';
import { describe, expect, it } from 'vitest';
import { createVirtMachine, VIRT_DEFAULT_ISA } from './machine.js';
import { VirtMachineError } from './errors.js';
import { FW_DYNAMIC_INFO_MAGIC } from './boot.js';

/** Hand-assembled RV64I (checked with riscv64-unknown-elf-objdump). */
const PROGRAM = [
  0x100002b7, // lui   t0, 0x10000        UART0
  0x04100313, // li    t1, 'A'
  0x00628023, // sb    t1, 0(t0)
  0x00001397, // auipc t2, 1              t2 = 0x8000100c
  0x00a3b023, // sd    a0, 0(t2)
  0x00b3b423, // sd    a1, 8(t2)
  0x00c3b823, // sd    a2, 16(t2)
  0x001002b7, // lui   t0, 0x100          sifive_test
  0x00053337, // lui   t1, 0x53
  0x33330313, // addi  t1, t1, 0x333      (5 << 16) | 0x3333
  0x0062a023, // sw    t1, 0(t0)
  0x0000006f, // j     .
];
const SAVE = 0x8000_100c;

function raw(words: number[]): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
  return b;
}

function readU64(m: ReturnType<typeof createVirtMachine>, pa: number): bigint {
  return new DataView(m.memory.readBytes(pa, 8).buffer).getBigUint64(0, true);
}

describe('virt machine', () => {
  it('boots a raw binary through the MROM stub with a0 = hartid, a1 = FDT, a2 = fw_dynamic_info, and exits with the finisher code', async () => {
    const out: number[] = [];
    const m = createVirtMachine({ bios: 'none', kernel: { bytes: raw(PROGRAM) }, clock: 'instructions', output: (b) => out.push(...b) });
    expect(await m.run()).toBe(5);
    expect(m.reason).toBe('poweroff');
    expect(String.fromCharCode(...out)).toBe('A');
    expect(readU64(m, SAVE)).toBe(0n);
    expect(readU64(m, SAVE + 8)).toBe(BigInt(m.boot.fdtAddr));
    const info = Number(readU64(m, SAVE + 16));
    expect(info).toBe(0x1028);
    // fw_dynamic_info: magic, version 2, next_addr, next_mode S
    expect(m.memory.load(info, 4)).toBe(FW_DYNAMIC_INFO_MAGIC);
    expect(m.memory.load(info + 8, 4)).toBe(2);
    expect(m.memory.load(info + 16, 4)).toBe(0x8000_0000);
    expect(m.memory.load(info + 24, 4)).toBe(1);
    // the FDT in RAM is the machine's DTB
    expect(m.memory.readBytes(m.boot.fdtAddr, m.dtb.length)).toEqual(m.dtb);
  });

  it('places firmware, kernel, initrd and FDT as QEMU 7.2 does', () => {
    const fw = new Uint8Array(300 * 1024).fill(0x13);
    const image = new Uint8Array(4 * 2 ** 20);
    const dv = new DataView(image.buffer);
    dv.setBigUint64(16, BigInt(image.length), true); // image_size
    dv.setBigUint64(48, 0x5643534952n, true); // "RISCV"
    dv.setUint32(56, 0x05435352, true); // "RSC\x05"
    const m = createVirtMachine({
      memory: 256 * 2 ** 20,
      bios: { bytes: fw, name: 'fw.bin' },
      kernel: { bytes: image, name: 'Image' },
      initrd: { bytes: new Uint8Array(1000), name: 'rd' },
    });
    expect(m.boot.startAddr).toBe(0x8000_0000);
    expect(m.boot.kernel?.entry).toBe(0x8020_0000); // next 2 MiB boundary after the firmware
    expect(m.boot.initrd).toEqual({ start: 0x8020_0000 + 128 * 2 ** 20, end: 0x8020_0000 + 128 * 2 ** 20 + 1000 });
    expect(m.boot.fdtAddr).toBe(0x8000_0000 + 256 * 2 ** 20 - 2 * 2 ** 20);
    const chosen = parseDtb(m.dtb).root.find('chosen')!;
    expect(chosen.u64s('linux,initrd-start')).toEqual([BigInt(m.boot.initrd!.start)]);
    expect(chosen.u64s('linux,initrd-end')).toEqual([BigInt(m.boot.initrd!.end)]);
    // the reset stub jumps to the firmware; fw_dynamic_info.next_addr is the kernel
    expect(m.memory.load(0x1000 + 24, 4)).toBe(0x8000_0000);
    expect(m.memory.load(0x1028 + 16, 4)).toBe(0x8020_0000);
  });

  it('describes its harts for inspection', () => {
    const m = createVirtMachine({ bios: 'none', kernel: { bytes: raw(PROGRAM) }, harts: 2 });
    const r = m.inspect();
    expect(r.map((h) => h.hartId)).toEqual([0, 1]);
    expect(r[0]!.pc).toBe(0x1000n);
    expect(r[0]!.priv).toBe('M');
  });

  it('stop() ends run() with the given status', async () => {
    const m = createVirtMachine({ bios: 'none', kernel: { bytes: raw([0x0000006f]) }, clock: 'instructions' });
    const p = m.run();
    m.stop(3);
    expect(await p).toBe(3);
    expect(m.reason).toBe('stopped');
  });

  it('wakes a hart from WFI with a CLINT software interrupt from another hart', async () => {
    // hart 1 waits in WFI with MSIE set; hart 0 writes msip[1]; hart 1 traps to mtvec and exits with 9.
    const prog = [
      0x00051c63, // bnez a0, hart1 (+24)
      0x020002b7, // lui  t0, 0x2000        CLINT
      0x00100313, // li   t1, 1
      0x0062a223, // sw   t1, 4(t0)         msip[1] = 1
      0x0000006f, // j .
      0x00000013, // nop
      // hart1 (offset 24):
      0x00000297, // auipc t0, 0
      0x01828293, // addi  t0, t0, 24       handler at hart1 + 24
      0x30529073, // csrw mtvec, t0
      0x00800293, // li   t0, 8             MSIE
      0x3042a073, // csrs mie, t0 (csrrs x0, mie, t0)
      0x10500073, // wfi
      // handler (hart1 + 24):
      0x001002b7, // lui  t0, 0x100
      0x00093337, // lui  t1, 0x93
      0x33330313, // addi t1, t1, 0x333     (9 << 16) | 0x3333
      0x0062a023, // sw   t1, 0(t0)
      0x0000006f, // j .
    ];
    const m = createVirtMachine({ bios: 'none', kernel: { bytes: raw(prog) }, harts: 2, clock: 'instructions' });
    expect(await m.run()).toBe(9);
  });

  it('has MTIP pending at reset, as QEMU (mtimecmp resets to 0)', async () => {
    const prog = [
      0x344023f3, // csrr  t2, mip
      0x001002b7, // lui   t0, 0x100
      0x0ff3f393, // andi  t2, t2, 0xff
      0x01039393, // slli  t2, t2, 16
      0x00003337, // lui   t1, 0x3
      0x3333031b, // addiw t1, t1, 0x333
      0x00736333, // or    t1, t1, t2
      0x0062a023, // sw    t1, 0(t0)        exit code = mip[7:0]
      0x0000006f, // j .
    ];
    const m = createVirtMachine({ bios: 'none', kernel: { bytes: raw(prog) }, clock: 'instructions' });
    expect(await m.run()).toBe(0x80);
  });

  it('reports a sifive_test reset (0x7777) as the reason run() ended', async () => {
    const prog = [
      0x001002b7, // lui  t0, 0x100
      0x00007337, // lui  t1, 0x7
      0x77730313, // addi t1, t1, 0x777
      0x0062a023, // sw   t1, 0(t0)
      0x0000006f, // j .
    ];
    const m = createVirtMachine({ bios: 'none', kernel: { bytes: raw(prog) }, clock: 'instructions' });
    expect(await m.run()).toBe(0);
    expect(m.reason).toBe('reset');
  });

  it('rejects bad configurations with a VirtMachineError', () => {
    expect(() => createVirtMachine({ memory: 8 * 2 ** 20 })).toThrow(VirtMachineError);
    expect(() => createVirtMachine({ harts: 0 })).toThrow(/--smp 0/);
    expect(() => createVirtMachine({ isa: 'rv64gc_zfoo' })).toThrow(/unknown ISA extension 'zfoo'/);
    expect(() => createVirtMachine({ bios: 'none', kernel: { bytes: new Uint8Array(64 * 2 ** 20), name: 'huge' }, memory: 32 * 2 ** 20 })).toThrow(/huge: .*does not fit/);
  });

  it('uses the default ISA string', () => {
    const m = createVirtMachine({ bios: 'none' });
    expect(m.harts[0]!.isa).toBe(VIRT_DEFAULT_ISA);
  });
});
