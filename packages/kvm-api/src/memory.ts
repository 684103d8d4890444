/**
 * Guest memory: the VM's host memory (one WebAssembly.Memory, the "mmap" the
 * VMM allocates from) and the memory slots that place parts of it in the
 * guest-physical address space (KVM_SET_USER_MEMORY_REGION).
 */
import { PhysicalMemory } from '@tsvisor/isa-core';
import { KVM_MEM_READONLY } from './defs';
import { KvmError } from './errors';

/** KVM_SET_USER_MEMORY_REGION's argument, with a host buffer for userspace_addr. */
export interface UserMemoryRegion {
  readonly slot: number;
  readonly flags?: number;
  readonly guestPhysAddr: bigint;
  /** 0 deletes the slot. */
  readonly memorySize: bigint;
  /** Host memory from `vm.allocateUserMemory()` (its first memorySize bytes are used). */
  readonly userspace?: Uint8Array;
}

export interface MemorySlot {
  readonly slot: number;
  readonly flags: number;
  readonly gpa: number;
  readonly size: number;
  /** Offset of the slot's first byte inside host RAM (PhysicalMemory's RAM area). */
  readonly hostOffset: number;
}

export const KVM_USER_MEM_SLOTS = 32;
const PAGE = 4096;
/** Guest-physical addresses are limited to what Sv39x4 reaches (41 bits) and what a JS number holds exactly. */
export const GPA_LIMIT = 2 ** 41;

const hex = (v: number | bigint) => `0x${v.toString(16)}`;

export class GuestMemoryMap {
  readonly host: PhysicalMemory;
  private top = 0;
  /** Bytes at the top of host RAM kept for kvm-api itself (G-stage page tables). */
  private reserved = 0;
  private readonly slots = new Map<number, MemorySlot>();
  /** Bumped on every slot change (the G-stage and caches rebuild from it). */
  generation = 0;

  constructor(hostBytes: number, hostBase: number) {
    this.host = new PhysicalMemory({ ramBase: hostBase, ramSize: hostBytes });
  }

  /** Host RAM for the VMM, like mmap: zeroed, 4 KiB aligned, never freed. */
  allocate(bytes: number): Uint8Array {
    if (!Number.isSafeInteger(bytes) || bytes <= 0 || bytes % PAGE !== 0) {
      throw new KvmError('EINVAL', `allocateUserMemory(${bytes}): the size must be a positive multiple of 4 KiB`);
    }
    const usable = this.host.ramSize - this.reserved;
    if (this.top + bytes > usable) {
      throw new KvmError('ENOMEM', `allocateUserMemory(${bytes}): only ${usable - this.top} of the VM's ${usable} host bytes are left (raise hostMemoryBytes in createVm)`);
    }
    const view = new Uint8Array(this.host.buffer, this.host.ramOffset + this.top, bytes);
    this.top += bytes;
    return view;
  }

  /** Takes `bytes` off the top of host RAM for kvm-api's own use; returns their host RAM offset. */
  reserveTop(bytes: number): number {
    this.reserved += bytes;
    return this.host.ramSize - this.reserved;
  }

  /** The host RAM offset of a buffer from allocate(), or undefined when it is not one. */
  hostOffsetOf(buf: Uint8Array): number | undefined {
    if (buf.buffer !== this.host.buffer) return undefined;
    const off = buf.byteOffset - this.host.ramOffset;
    if (off < 0 || off + buf.byteLength > this.host.ramSize - this.reserved) return undefined;
    return off;
  }

  /** Validates and applies a region change; throws KvmError and changes nothing on misuse. */
  set(region: UserMemoryRegion, identityOnly: boolean): void {
    const { slot } = region;
    const flags = region.flags ?? 0;
    if (!Number.isInteger(slot) || slot < 0 || slot >= KVM_USER_MEM_SLOTS) {
      throw new KvmError('EINVAL', `memory slot ${slot}: slots are 0..${KVM_USER_MEM_SLOTS - 1}`);
    }
    if ((flags & ~KVM_MEM_READONLY) !== 0) {
      throw new KvmError('EINVAL', `memory slot ${slot}: flags ${hex(flags)} not supported (only KVM_MEM_READONLY)`);
    }
    if (region.memorySize === 0n) {
      if (!this.slots.delete(slot)) throw new KvmError('EINVAL', `memory slot ${slot}: deleting a slot that does not exist`);
      this.generation++;
      return;
    }
    const gpa = region.guestPhysAddr;
    const size = region.memorySize;
    if (gpa < 0n || gpa % BigInt(PAGE) !== 0n || size < 0n || size % BigInt(PAGE) !== 0n) {
      throw new KvmError('EINVAL', `memory slot ${slot}: guest_phys_addr ${hex(gpa)} and memory_size ${hex(size)} must be 4 KiB aligned`);
    }
    if (gpa + size > BigInt(GPA_LIMIT)) {
      throw new KvmError('EINVAL', `memory slot ${slot}: [${hex(gpa)}, ${hex(gpa + size)}) is beyond the ${hex(GPA_LIMIT)} guest-physical limit`);
    }
    const buf = region.userspace;
    const hostOffset = buf ? this.hostOffsetOf(buf) : undefined;
    if (!buf || hostOffset === undefined) {
      throw new KvmError('EFAULT', `memory slot ${slot}: userspace must be a buffer from vm.allocateUserMemory()`);
    }
    if (BigInt(buf.byteLength) < size) {
      throw new KvmError('EFAULT', `memory slot ${slot}: memory_size ${hex(size)} is larger than the host buffer (${hex(buf.byteLength)} bytes)`);
    }
    const g = Number(gpa);
    const s = Number(size);
    const existing = this.slots.get(slot);
    if (existing && (existing.gpa !== g || existing.size !== s || existing.hostOffset !== hostOffset)) {
      throw new KvmError('EINVAL', `memory slot ${slot} exists at ${hex(existing.gpa)} (${hex(existing.size)} bytes): delete it (memory_size 0) before moving or resizing it`);
    }
    for (const other of this.slots.values()) {
      if (other.slot !== slot && g < other.gpa + other.size && other.gpa < g + s) {
        throw new KvmError('EEXIST', `memory slot ${slot} [${hex(g)}, ${hex(g + s)}) overlaps slot ${other.slot} [${hex(other.gpa)}, ${hex(other.gpa + other.size)})`);
      }
    }
    if (identityOnly && g !== this.host.ramBase + hostOffset) {
      throw new KvmError('EINVAL', `memory slot ${slot}: guest_phys_addr ${hex(g)} must equal its host address ${hex(this.host.ramBase + hostOffset)}: this host hart has no H extension, so there is no G-stage to remap it`);
    }
    this.slots.set(slot, { slot, flags, gpa: g, size: s, hostOffset });
    this.generation++;
  }

  /** The slot table, to put back with restore() when a later step of a change fails. */
  snapshot(): Map<number, MemorySlot> {
    return new Map(this.slots);
  }

  restore(saved: Map<number, MemorySlot>): void {
    this.slots.clear();
    for (const [k, v] of saved) this.slots.set(k, v);
    this.generation++;
  }

  list(): MemorySlot[] {
    return [...this.slots.values()].sort((a, b) => a.gpa - b.gpa);
  }

  /** The slot covering [gpa, gpa + len), if one does. */
  find(gpa: number, len = 1): MemorySlot | undefined {
    for (const s of this.slots.values()) if (gpa >= s.gpa && gpa + len <= s.gpa + s.size) return s;
    return undefined;
  }

  /**
   * Tells the harts that [gpa, gpa + len) changed behind their back (VMM DMA, SBI writes):
   * isa-core drops what it compiled or cached from those pages.
   */
  noteWrite(gpa: number, len: number): void {
    const end = gpa + len;
    for (const s of this.slots.values()) {
      const a = Math.max(gpa, s.gpa);
      const b = Math.min(end, s.gpa + s.size);
      if (a < b) this.host.noteDmaWrite(this.host.ramBase + s.hostOffset + (a - s.gpa), b - a);
    }
  }

  /** Host RAM view of [gpa, gpa + len) when one slot covers it (and is writable when `write`). */
  view(gpa: number, len: number, write: boolean): Uint8Array | undefined {
    const s = this.find(gpa, len);
    if (!s || (write && (s.flags & KVM_MEM_READONLY) !== 0)) return undefined;
    return new Uint8Array(this.host.buffer, this.host.ramOffset + s.hostOffset + (gpa - s.gpa), len);
  }
}
