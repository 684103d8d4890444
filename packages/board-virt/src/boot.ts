/**
 * Boot layout as QEMU's virt machine does it (QEMU 7.2 hw/riscv/boot.c): the MROM
 * reset stub that loads a0 = mhartid, a1 = FDT address, a2 = &fw_dynamic_info and jumps
 * to the start address; the fw_dynamic_info block OpenSBI's fw_dynamic reads
 * (OpenSBI include/sbi/fw_dynamic.h, version 2); where kernel, initrd and FDT go.
 */
import type { MmioDevice } from '@tsvisor/devices';

const MiB = 2 ** 20;

/** OpenSBI fw_dynamic_info magic ("OSBI" little-endian). */
export const FW_DYNAMIC_INFO_MAGIC = 0x4942534f;
export const FW_DYNAMIC_INFO_VERSION = 2;
/** next_mode values. */
export const FW_DYNAMIC_INFO_NEXT_MODE_U = 0;
export const FW_DYNAMIC_INFO_NEXT_MODE_S = 1;
export const FW_DYNAMIC_INFO_NEXT_MODE_M = 3;
/** Offset of fw_dynamic_info inside the MROM: right after the reset stub and its two dwords. */
export const MROM_FW_DYNAMIC_OFFSET = 40;

export interface ResetVectorOptions {
  /** Where the stub jumps (the firmware, or the kernel under --bios none). */
  startAddr: number;
  fdtAddr: number;
  /** fw_dynamic next_addr: the kernel entry (0 when there is none). */
  nextAddr: number;
  nextMode?: number;
  bootHart?: number;
}

/** The MROM image: the reset stub QEMU's virt writes at 0x1000, then fw_dynamic_info. */
export function buildMrom(size: number, o: ResetVectorOptions): Uint8Array {
  const rom = new Uint8Array(size);
  const dv = new DataView(rom.buffer);
  const insns = [
    0x00000297, // auipc t0, 0            t0 = 0x1000
    0x02828613, // addi  a2, t0, 40       a2 = &fw_dynamic_info
    0xf1402573, // csrr  a0, mhartid
    0x0202b583, // ld    a1, 32(t0)       a1 = FDT address
    0x0182b283, // ld    t0, 24(t0)       t0 = start address
    0x00028067, // jr    t0
  ];
  insns.forEach((w, i) => dv.setUint32(4 * i, w, true));
  dv.setBigUint64(24, BigInt(o.startAddr), true);
  dv.setBigUint64(32, BigInt(o.fdtAddr), true);
  const info = MROM_FW_DYNAMIC_OFFSET;
  dv.setBigUint64(info + 0, BigInt(FW_DYNAMIC_INFO_MAGIC), true);
  dv.setBigUint64(info + 8, BigInt(FW_DYNAMIC_INFO_VERSION), true);
  dv.setBigUint64(info + 16, BigInt(o.nextAddr), true);
  dv.setBigUint64(info + 24, BigInt(o.nextMode ?? FW_DYNAMIC_INFO_NEXT_MODE_S), true);
  dv.setBigUint64(info + 32, 0n, true); // options
  dv.setBigUint64(info + 40, BigInt(o.bootHart ?? 0), true);
  return rom;
}

/** A read-only memory device (writes are ignored, as QEMU's MROM ignores them). */
export class Rom implements MmioDevice {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  read(offset: number, size: 1 | 2 | 4): number {
    if (offset + size > this.bytes.length) return 0;
    if (size === 4) return this.dv.getUint32(offset, true);
    if (size === 2) return this.dv.getUint16(offset, true);
    return this.bytes[offset]!;
  }
  write(): void {}
}

export const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;
export const alignDown = (v: number, a: number): number => Math.floor(v / a) * a;

/** Where a non-ELF kernel goes after firmware ending at `firmwareEnd`: the next 2 MiB boundary (RV64). */
export function kernelStartAddr(firmwareEnd: number): number {
  return alignUp(firmwareEnd, 2 * MiB);
}

/**
 * Where QEMU puts the initrd: kernel entry + min(RAM/2, 128 MiB), far enough that the
 * kernel's own image does not run over it and low enough to stay in the linear map.
 */
export function initrdStartAddr(kernelEntry: number, ramSize: number): number {
  return kernelEntry + Math.min(ramSize / 2, 128 * MiB);
}

/** Where QEMU puts the FDT: at the top of RAM below 3 GiB, 2 MiB-aligned. */
export function fdtAddr(ramBase: number, ramSize: number, fdtSize: number): number {
  const end = ramBase + ramSize;
  const top = ramBase < 3072 * MiB ? Math.min(end, 3072 * MiB) : end;
  return alignDown(top - fdtSize, 2 * MiB);
}
