/**
 * Google's goldfish RTC (Android emulator "goldfish" platform, as QEMU's
 * hw/rtc/goldfish_rtc.c exposes it on virt at 0x101000, IRQ 11): a nanosecond
 * wall clock with one alarm. Reading TIME_LOW latches the high half for TIME_HIGH;
 * writing ALARM_LOW (after ALARM_HIGH) arms the alarm.
 */
import { type FdtNode, ref } from '@tsvisor/fdt';
import type { IrqLine, MmioDevice } from './types.js';

export const RTC_TIME_LOW = 0x00;
export const RTC_TIME_HIGH = 0x04;
export const RTC_ALARM_LOW = 0x08;
export const RTC_ALARM_HIGH = 0x0c;
export const RTC_IRQ_ENABLED = 0x10;
export const RTC_CLEAR_ALARM = 0x14;
export const RTC_ALARM_STATUS = 0x18;
export const RTC_CLEAR_INTERRUPT = 0x1c;
export const GOLDFISH_RTC_SIZE = 0x1000;

const U64 = (1n << 64n) - 1n;

export interface GoldfishRtcOptions {
  /** Host wall time in nanoseconds since the Unix epoch. */
  hostTimeNs: () => bigint;
  irq?: IrqLine;
}

export interface GoldfishRtcState {
  stateVersion: 1;
  /** guest time - host time, ns (decimal string). */
  offsetNs: string;
  timeHighLatch: number;
  alarmHigh: number;
  alarmNs: string;
  alarmRunning: boolean;
  irqPending: boolean;
  irqEnabled: boolean;
}

/** Goldfish RTC with host time. */
export class GoldfishRtc implements MmioDevice {
  static readonly compatible = 'google,goldfish-rtc';

  private offsetNs = 0n;
  private timeHighLatch = 0;
  private alarmHigh = 0;
  private alarmNs = 0n;
  private alarmRunning = false;
  private irqPending = false;
  private irqEnabled = false;
  private level = false;

  constructor(private readonly options: GoldfishRtcOptions) {}

  /** Guest-visible time in ns. */
  timeNs(): bigint {
    return (this.options.hostTimeNs() + this.offsetNs) & U64;
  }

  /** Fires the alarm once its time has come; the machine calls it between slices. */
  poll(): void {
    if (this.alarmRunning && this.timeNs() >= this.alarmNs) {
      this.alarmRunning = false;
      this.irqPending = true;
      this.update();
    }
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    switch (offset) {
      case RTC_TIME_LOW: {
        const t = this.timeNs();
        this.timeHighLatch = Number(t >> 32n);
        return Number(t & 0xffffffffn);
      }
      case RTC_TIME_HIGH:
        return this.timeHighLatch;
      case RTC_ALARM_LOW:
        return Number(this.alarmNs & 0xffffffffn);
      case RTC_ALARM_HIGH:
        return Number(this.alarmNs >> 32n);
      case RTC_IRQ_ENABLED:
        return this.irqEnabled ? 1 : 0;
      case RTC_ALARM_STATUS:
        return this.alarmRunning ? 1 : 0;
      default:
        return 0;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    value >>>= 0;
    switch (offset) {
      case RTC_TIME_LOW: {
        // Setting the clock: the new time is (latched high << 32) | value, as QEMU does.
        const want = (BigInt(this.timeHighLatch) << 32n) | BigInt(value);
        this.offsetNs = want - this.options.hostTimeNs();
        return;
      }
      case RTC_TIME_HIGH:
        this.timeHighLatch = value;
        return;
      case RTC_ALARM_LOW:
        this.alarmNs = (BigInt(this.alarmHigh) << 32n) | BigInt(value);
        this.alarmRunning = true;
        this.poll();
        return;
      case RTC_ALARM_HIGH:
        this.alarmHigh = value;
        return;
      case RTC_IRQ_ENABLED:
        this.irqEnabled = (value & 1) !== 0;
        this.update();
        return;
      case RTC_CLEAR_ALARM:
        this.alarmRunning = false;
        return;
      case RTC_CLEAR_INTERRUPT:
        this.irqPending = false;
        this.update();
        return;
      default:
        return;
    }
  }

  private update(): void {
    const level = this.irqPending && this.irqEnabled;
    if (level !== this.level) {
      this.level = level;
      this.options.irq?.set(level);
    }
  }

  getState(): GoldfishRtcState {
    return {
      stateVersion: 1,
      offsetNs: String(this.offsetNs),
      timeHighLatch: this.timeHighLatch,
      alarmHigh: this.alarmHigh,
      alarmNs: String(this.alarmNs),
      alarmRunning: this.alarmRunning,
      irqPending: this.irqPending,
      irqEnabled: this.irqEnabled,
    };
  }

  static fromState(state: GoldfishRtcState, options: GoldfishRtcOptions): GoldfishRtc {
    if (state.stateVersion !== 1) throw new Error(`goldfish-rtc: unsupported stateVersion ${String(state.stateVersion)}`);
    const r = new GoldfishRtc(options);
    r.offsetNs = BigInt(state.offsetNs);
    r.timeHighLatch = state.timeHighLatch;
    r.alarmHigh = state.alarmHigh;
    r.alarmNs = BigInt(state.alarmNs);
    r.alarmRunning = state.alarmRunning;
    r.irqPending = state.irqPending;
    r.irqEnabled = state.irqEnabled;
    r.update();
    return r;
  }
}

/** Writes the RTC's node (`rtc@<base>`, binding google,goldfish-rtc) under `parent`; returns it. */
export function writeGoldfishRtcNode(parent: FdtNode, o: { base: number; size?: number; irq: number; interruptParent: string }): FdtNode {
  return parent
    .addNode(`rtc@${o.base.toString(16)}`)
    .u32('interrupts', o.irq)
    .u32('interrupt-parent', ref(o.interruptParent))
    .u64('reg', o.base, o.size ?? GOLDFISH_RTC_SIZE)
    .string('compatible', GoldfishRtc.compatible);
}
