/**
 * The G-stage page table kvm-api builds from the memory slots (priv spec, H
 * extension, "Two-Stage Address Translation": Sv39x4, a 16 KiB root, leaves
 * with U=1). Slots map 2 MiB at a time where guest and host addresses allow,
 * else 4 KiB pages; a READONLY slot maps without W so stores fault (MMIO exits).
 */
import { KVM_MEM_READONLY } from './defs';
import { KvmError } from './errors';
import type { GuestMemoryMap } from './memory';

/** Host bytes kept for the tables: root (16 KiB) plus next-level tables. */
export const GSTAGE_TABLE_BYTES = 256 * 1024;
export const HGATP_MODE_SV39X4 = 8n;

const PTE_V = 1n, PTE_R = 2n, PTE_W = 4n, PTE_X = 8n, PTE_U = 16n, PTE_A = 64n, PTE_D = 128n;
const MB2 = 2 * 2 ** 20;

/** Rewrites the G-stage tables at host RAM offset `at` from the slots; returns hgatp for `vmid`. */
export function buildGStage(mem: GuestMemoryMap, at: number, vmid: number): bigint {
  const host = mem.host;
  const base = host.ramOffset + at;
  new Uint8Array(host.buffer, base, GSTAGE_TABLE_BYTES).fill(0);
  let next = 16 * 1024; // after the root
  const hpaOf = (off: number) => BigInt(host.ramBase + at + off);
  const entry = (tableOff: number, index: number) => base + tableOff + index * 8;
  const child = (tableOff: number, index: number): number => {
    const p = entry(tableOff, index);
    const pte = host.dv.getBigUint64(p, true);
    if (pte & PTE_V) return Number((((pte >> 10n) << 12n) - BigInt(host.ramBase + at)));
    if (next + 4096 > GSTAGE_TABLE_BYTES) {
      throw new KvmError('ENOMEM', `the memory slots need more G-stage page tables than the ${GSTAGE_TABLE_BYTES / 1024} KiB kvm-api keeps: use fewer or 2 MiB-aligned slots`);
    }
    const off = next;
    next += 4096;
    host.dv.setBigUint64(p, ((hpaOf(off) >> 12n) << 10n) | PTE_V, true);
    return off;
  };
  for (const s of mem.list()) {
    const flags = PTE_V | PTE_R | PTE_X | PTE_U | PTE_A | ((s.flags & KVM_MEM_READONLY) ? 0n : PTE_W | PTE_D);
    let gpa = s.gpa;
    const end = s.gpa + s.size;
    while (gpa < end) {
      const hpa = host.ramBase + s.hostOffset + (gpa - s.gpa);
      const l2 = Math.floor(gpa / 2 ** 30); // Sv39x4: 11-bit root index
      const t1 = child(0, l2);
      const i1 = Math.floor(gpa / MB2) % 512;
      if (gpa % MB2 === 0 && hpa % MB2 === 0 && gpa + MB2 <= end) {
        host.dv.setBigUint64(entry(t1, i1), ((BigInt(hpa) >> 12n) << 10n) | flags, true);
        gpa += MB2;
        continue;
      }
      const t0 = child(t1, i1);
      host.dv.setBigUint64(entry(t0, Math.floor(gpa / 4096) % 512), ((BigInt(hpa) >> 12n) << 10n) | flags, true);
      gpa += 4096;
    }
  }
  return (HGATP_MODE_SV39X4 << 60n) | (BigInt(vmid) << 44n) | (hpaOf(0) >> 12n);
}
