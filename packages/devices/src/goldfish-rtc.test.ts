import { describe, expect, it } from 'vitest';
import {
  GoldfishRtc, RTC_ALARM_HIGH, RTC_ALARM_LOW, RTC_ALARM_STATUS, RTC_CLEAR_INTERRUPT, RTC_IRQ_ENABLED, RTC_TIME_HIGH,
  RTC_TIME_LOW,
} from './goldfish-rtc.js';
import { LevelLatch } from './types.js';

function make() {
  let host = 1_700_000_000_123_456_789n;
  const irq = new LevelLatch();
  const rtc = new GoldfishRtc({ hostTimeNs: () => host, irq });
  return { rtc, irq, advance: (ns: bigint) => (host += ns), host: () => host };
}

function readTime(rtc: GoldfishRtc): bigint {
  const lo = BigInt(rtc.read(RTC_TIME_LOW, 4));
  return (BigInt(rtc.read(RTC_TIME_HIGH, 4)) << 32n) | lo;
}

describe('goldfish rtc', () => {
  it('reads host time in ns, low word first latching the high word', () => {
    const { rtc, host } = make();
    expect(readTime(rtc)).toBe(host());
  });

  it('lets the guest set the time (high then low)', () => {
    const { rtc, advance } = make();
    const want = 5_000_000_000n;
    rtc.write(RTC_TIME_HIGH, 4, Number(want >> 32n));
    rtc.write(RTC_TIME_LOW, 4, Number(want & 0xffffffffn));
    advance(10n);
    expect(readTime(rtc)).toBe(want + 10n);
  });

  it('fires the alarm interrupt when enabled and clears it on CLEAR_INTERRUPT', () => {
    const { rtc, irq, host, advance } = make();
    const at = host() + 1000n;
    rtc.write(RTC_IRQ_ENABLED, 4, 1);
    rtc.write(RTC_ALARM_HIGH, 4, Number(at >> 32n));
    rtc.write(RTC_ALARM_LOW, 4, Number(at & 0xffffffffn));
    expect(rtc.read(RTC_ALARM_STATUS, 4)).toBe(1);
    rtc.poll();
    expect(irq.level).toBe(false);
    advance(1000n);
    rtc.poll();
    expect(irq.level).toBe(true);
    expect(rtc.read(RTC_ALARM_STATUS, 4)).toBe(0);
    rtc.write(RTC_CLEAR_INTERRUPT, 4, 1);
    expect(irq.level).toBe(false);
  });

  it('round-trips its state', () => {
    const { rtc, host } = make();
    rtc.write(RTC_IRQ_ENABLED, 4, 1);
    const copy = GoldfishRtc.fromState(JSON.parse(JSON.stringify(rtc.getState())), { hostTimeNs: host });
    expect(copy.read(RTC_IRQ_ENABLED, 4)).toBe(1);
    expect(readTime(copy)).toBe(host());
  });
});
