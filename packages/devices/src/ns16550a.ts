/**
 * The 16550A UART as QEMU's virt machine has it (ns16550a at 0x10000000, reg-shift 0,
 * 1-byte registers, clock 3686400 Hz). Register behaviour follows the National
 * Semiconductor PC16550D datasheet; where that leaves room, what Linux's 8250 driver
 * probes for (loopback MSR check, FIFO detection through IIR[7:6], the THRE test at
 * startup) decides.
 */
import { type FdtNode, ref } from '@tsvisor/fdt';
import type { IrqLine, MmioDevice } from './types.js';

// Register offsets (PC16550D table 2). DLAB = LCR bit 7 swaps 0/1 for the divisor latch.
export const UART_RBR = 0; // read, DLAB=0
export const UART_THR = 0; // write, DLAB=0
export const UART_DLL = 0; // DLAB=1
export const UART_IER = 1; // DLAB=0
export const UART_DLM = 1; // DLAB=1
export const UART_IIR = 2; // read
export const UART_FCR = 2; // write
export const UART_LCR = 3;
export const UART_MCR = 4;
export const UART_LSR = 5;
export const UART_MSR = 6;
export const UART_SCR = 7;

export const UART_IER_ERBFI = 0x01; // received data available
export const UART_IER_ETBEI = 0x02; // transmitter holding register empty
export const UART_IER_ELSI = 0x04; // receiver line status
export const UART_IER_EDSSI = 0x08; // modem status

export const UART_IIR_NO_INT = 0x01;
export const UART_IIR_MSI = 0x00;
export const UART_IIR_THRI = 0x02;
export const UART_IIR_RDI = 0x04;
export const UART_IIR_RLSI = 0x06;
export const UART_IIR_CTI = 0x0c; // character timeout (FIFO mode)
export const UART_IIR_FIFO_ENABLED = 0xc0;

export const UART_FCR_ENABLE = 0x01;
export const UART_FCR_CLEAR_RCVR = 0x02;
export const UART_FCR_CLEAR_XMIT = 0x04;

export const UART_LCR_DLAB = 0x80;

export const UART_MCR_DTR = 0x01;
export const UART_MCR_RTS = 0x02;
export const UART_MCR_OUT1 = 0x04;
export const UART_MCR_OUT2 = 0x08;
export const UART_MCR_LOOP = 0x10;

export const UART_LSR_DR = 0x01;
export const UART_LSR_OE = 0x02;
export const UART_LSR_BI = 0x10;
export const UART_LSR_THRE = 0x20;
export const UART_LSR_TEMT = 0x40;

export const UART_MSR_DCTS = 0x01;
export const UART_MSR_DDSR = 0x02;
export const UART_MSR_TERI = 0x04;
export const UART_MSR_DDCD = 0x08;
export const UART_MSR_CTS = 0x10;
export const UART_MSR_DSR = 0x20;
export const UART_MSR_RI = 0x40;
export const UART_MSR_DCD = 0x80;

/** Depth of the receive FIFO of a 16550A. */
export const UART_FIFO_DEPTH = 16;
const RX_TRIGGER = [1, 4, 8, 14];

/** Host input beyond this many bytes is dropped (a slow guest cannot make us grow without bound). */
const HOST_QUEUE_LIMIT = 1 << 20;

export interface Ns16550aOptions {
  /** Receives each transmitted byte (the host side of the wire). */
  output?: (byte: number) => void;
  /** The interrupt line (to the PLIC, source 10 on virt). */
  irq?: IrqLine;
}

export interface Ns16550aState {
  stateVersion: 1;
  ier: number; lcr: number; mcr: number; lsr: number; msr: number; scr: number;
  fcr: number; dll: number; dlm: number; thrIpending: boolean;
  rx: number[];
}

/** ns16550a UART (PC16550D register model) with a host-fed receive queue. */
export class Ns16550a implements MmioDevice {
  static readonly compatible = 'ns16550a';
  static readonly clockFrequency = 3_686_400;

  private ier = 0;
  private lcr = 0;
  private mcr = UART_MCR_OUT2;
  private lsr = UART_LSR_THRE | UART_LSR_TEMT;
  private msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
  private scr = 0;
  private fcr = 0;
  private dll = 0x0c;
  private dlm = 0;
  /** THRE interrupt latch: set when the holding register empties, cleared by an IIR read that reports it or by a THR write. */
  private thrIpending = false;
  /** Receive data: the first UART_FIFO_DEPTH bytes are the FIFO (or the first one the holding register), the rest waits on the host side. */
  private rx: number[] = [];
  private rxHead = 0;
  private irqLevel = false;
  private readonly output: (byte: number) => void;
  private readonly irq: IrqLine | undefined;

  constructor(options: Ns16550aOptions = {}) {
    this.output = options.output ?? (() => {});
    this.irq = options.irq;
  }

  /** Bytes from the host (keyboard, pipe). They enter the receive FIFO as the guest drains it. */
  pushInput(bytes: Uint8Array | ArrayLike<number>): void {
    for (let i = 0; i < bytes.length && this.rxCount() < HOST_QUEUE_LIMIT; i++) this.rx.push(bytes[i]! & 0xff);
    this.updateIrq();
  }

  /** How many bytes wait to be read by the guest (FIFO and host queue). */
  get pendingInput(): number {
    return this.rxCount();
  }

  /** True while the interrupt output is asserted. */
  get irqAsserted(): boolean {
    return this.irqLevel;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    switch (offset & 7) {
      case 0:
        if (this.lcr & UART_LCR_DLAB) return this.dll;
        return this.readRbr();
      case 1:
        if (this.lcr & UART_LCR_DLAB) return this.dlm;
        return this.ier;
      case 2: {
        const iir = this.iir();
        // Reading IIR while it reports THRE clears that interrupt (PC16550D table 4).
        if ((iir & 0x0f) === UART_IIR_THRI) {
          this.thrIpending = false;
          this.updateIrq();
        }
        return iir;
      }
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5: {
        const v = this.lsr | (this.rxCount() > 0 ? UART_LSR_DR : 0);
        // OE, PE, FE and BI are cleared by reading LSR.
        this.lsr &= ~0x1e;
        this.updateIrq();
        return v;
      }
      case 6: {
        const v = this.currentMsr();
        this.msr &= 0xf0; // delta bits clear on read
        this.updateIrq();
        return v;
      }
      default:
        return this.scr;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    value &= 0xff;
    switch (offset & 7) {
      case 0:
        if (this.lcr & UART_LCR_DLAB) {
          this.dll = value;
          return;
        }
        this.transmit(value);
        return;
      case 1:
        if (this.lcr & UART_LCR_DLAB) {
          this.dlm = value;
          return;
        }
        {
          const old = this.ier;
          // Only the four standard enables exist on a 16550A; Linux tests bit 6 (UUE) to spot XScale parts.
          this.ier = value & 0x0f;
          // Enabling ETBEI while THR is empty raises the THRE interrupt at once (Linux's startup THRE test relies on it).
          if (!(old & UART_IER_ETBEI) && this.ier & UART_IER_ETBEI && this.lsr & UART_LSR_THRE) this.thrIpending = true;
        }
        this.updateIrq();
        return;
      case 2: {
        const enableChanged = ((this.fcr ^ value) & UART_FCR_ENABLE) !== 0;
        if (value & UART_FCR_CLEAR_RCVR || enableChanged) this.clearRxFifo();
        // TX is instantaneous here: clearing it changes nothing visible.
        this.fcr = value & 0xc9;
        this.updateIrq();
        return;
      }
      case 3:
        this.lcr = value;
        return;
      case 4: {
        const wasLoop = this.mcr & UART_MCR_LOOP;
        const before = this.currentMsr() & 0xf0;
        this.mcr = value & 0x1f;
        if (wasLoop || this.mcr & UART_MCR_LOOP) {
          const after = this.currentMsr() & 0xf0;
          this.latchMsrDeltas(before, after);
        }
        this.updateIrq();
        return;
      }
      case 5:
        return; // LSR is read-only (writes are for factory test)
      case 6:
        return;
      default:
        this.scr = value;
    }
  }

  private rxCount(): number {
    return this.rx.length - this.rxHead;
  }

  private clearRxFifo(): void {
    // Only what is in the FIFO is lost; bytes still on the host side arrive later.
    const inFifo = Math.min(this.rxCount(), this.fifoEnabled() ? UART_FIFO_DEPTH : 1);
    this.rxHead += inFifo;
    this.compactRx();
  }

  private compactRx(): void {
    if (this.rxHead > 4096 && this.rxHead * 2 > this.rx.length) {
      this.rx = this.rx.slice(this.rxHead);
      this.rxHead = 0;
    } else if (this.rxHead === this.rx.length) {
      this.rx.length = 0;
      this.rxHead = 0;
    }
  }

  private readRbr(): number {
    if (this.rxCount() === 0) return 0;
    const v = this.rx[this.rxHead++]!;
    this.compactRx();
    this.updateIrq();
    return v;
  }

  private transmit(byte: number): void {
    if (this.mcr & UART_MCR_LOOP) {
      // Loopback: the transmitter feeds the receiver; nothing leaves the chip.
      this.rx.push(byte);
    } else {
      this.output(byte);
    }
    // The byte leaves at once: THR and the shift register are empty again, and THRE fires again.
    this.lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    this.thrIpending = true;
    this.updateIrq();
  }

  private fifoEnabled(): boolean {
    return (this.fcr & UART_FCR_ENABLE) !== 0;
  }

  private currentMsr(): number {
    if (!(this.mcr & UART_MCR_LOOP)) return this.msr;
    // Loopback wiring (PC16550D, MCR bit 4): RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
    const m = this.mcr;
    let v = this.msr & 0x0f;
    if (m & UART_MCR_RTS) v |= UART_MSR_CTS;
    if (m & UART_MCR_DTR) v |= UART_MSR_DSR;
    if (m & UART_MCR_OUT1) v |= UART_MSR_RI;
    if (m & UART_MCR_OUT2) v |= UART_MSR_DCD;
    return v;
  }

  private latchMsrDeltas(before: number, after: number): void {
    const changed = before ^ after;
    let d = 0;
    if (changed & UART_MSR_CTS) d |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR) d |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD) d |= UART_MSR_DDCD;
    if (before & UART_MSR_RI && !(after & UART_MSR_RI)) d |= UART_MSR_TERI; // trailing edge of RI
    this.msr = (this.msr & 0xf0) | ((this.msr | d) & 0x0f);
    // outside loopback the modem inputs are fixed: keep the upper nibble as wired
  }

  /** The highest-priority pending interrupt, as IIR reports it (PC16550D table 4). */
  private iir(): number {
    const fifo = this.fifoEnabled() ? UART_IIR_FIFO_ENABLED : 0;
    const id = this.pendingId();
    return fifo | (id < 0 ? UART_IIR_NO_INT : id);
  }

  private pendingId(): number {
    const ier = this.ier;
    if (ier & UART_IER_ELSI && this.lsr & (UART_LSR_OE | 0x0c | UART_LSR_BI)) return UART_IIR_RLSI;
    if (ier & UART_IER_ERBFI) {
      const n = this.rxCount();
      if (n > 0) {
        if (!this.fifoEnabled()) return UART_IIR_RDI;
        const trigger = RX_TRIGGER[(this.fcr >> 6) & 3]!;
        // Below the trigger level a real chip raises the character timeout after four character
        // times of silence; host input arrives in bursts, so we report it straight away.
        return Math.min(n, UART_FIFO_DEPTH) >= trigger ? UART_IIR_RDI : UART_IIR_CTI;
      }
    }
    if (ier & UART_IER_ETBEI && this.thrIpending) return UART_IIR_THRI;
    if (ier & UART_IER_EDSSI && this.currentMsr() & 0x0f) return UART_IIR_MSI;
    return -1;
  }

  private updateIrq(): void {
    const level = this.pendingId() >= 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq?.set(level);
    }
  }

  getState(): Ns16550aState {
    return {
      stateVersion: 1,
      ier: this.ier, lcr: this.lcr, mcr: this.mcr, lsr: this.lsr, msr: this.msr, scr: this.scr,
      fcr: this.fcr, dll: this.dll, dlm: this.dlm, thrIpending: this.thrIpending,
      rx: this.rx.slice(this.rxHead),
    };
  }

  static fromState(state: Ns16550aState, options: Ns16550aOptions = {}): Ns16550a {
    if (state.stateVersion !== 1) throw new Error(`ns16550a: unsupported stateVersion ${String(state.stateVersion)}`);
    const u = new Ns16550a(options);
    u.ier = state.ier; u.lcr = state.lcr; u.mcr = state.mcr; u.lsr = state.lsr; u.msr = state.msr;
    u.scr = state.scr; u.fcr = state.fcr; u.dll = state.dll; u.dlm = state.dlm;
    u.thrIpending = state.thrIpending; u.rx = state.rx.slice();
    u.updateIrq();
    return u;
  }
}

export interface UartFdtOptions {
  base: number;
  size?: number;
  /** Interrupt source number at the interrupt controller. */
  irq: number;
  /** Label of the interrupt controller node (e.g. 'plic'). */
  interruptParent: string;
  clockFrequency?: number;
}

/** Writes the UART's node (`serial@<base>`, Linux binding serial/8250.yaml) under `parent`; returns it. */
export function writeNs16550aNode(parent: FdtNode, o: UartFdtOptions): FdtNode {
  return parent
    .addNode(`serial@${o.base.toString(16)}`, { label: 'uart0' })
    .u32('interrupts', o.irq)
    .u32('interrupt-parent', ref(o.interruptParent))
    .u32('clock-frequency', o.clockFrequency ?? Ns16550a.clockFrequency)
    .u64('reg', o.base, o.size ?? 0x100)
    .string('compatible', Ns16550a.compatible);
}
