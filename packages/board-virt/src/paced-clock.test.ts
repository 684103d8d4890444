import { describe, expect, it } from 'vitest';
import { PacedClock } from './paced-clock.js';

describe('PacedClock', () => {
  it('follows the work done when the harts are slower than wall time', () => {
    let ms = 0;
    const c = new PacedClock(10_000_000, 10, () => ms);
    ms = 1000; // one second of wall time
    c.retire(1_000_000); // but only 1 M instructions = 100_000 ticks of work
    expect(c.now()).toBe(100_000);
  });

  it('follows wall time when the harts are faster, without banking the surplus', () => {
    let ms = 0;
    const c = new PacedClock(10_000_000, 10, () => ms);
    ms = 1;
    c.retire(10_000_000); // 1 s of work in 1 ms
    expect(c.now()).toBe(10_000);
    ms = 1000;
    expect(c.now()).toBe(10_000); // no more work: time waits for it
    c.retire(100);
    expect(c.now()).toBe(10_010);
  });

  it('credits idle time and never goes backwards', () => {
    let ms = 0;
    const c = new PacedClock(10_000_000, 10, () => ms);
    let last = 0;
    for (let i = 0; i < 50; i++) {
      ms += 3;
      if (i % 3) c.retire(5_000 * i);
      else c.idle(20_000);
      const t = c.now();
      expect(t).toBeGreaterThanOrEqual(last);
      expect(t).toBeLessThanOrEqual(ms * 10_000);
      last = t;
    }
    // Lagging behind wall time, an idle period passes in full for the guest.
    const before = c.now();
    ms += 10;
    c.idle(100_000);
    expect(c.now()).toBe(before + 100_000);
  });
});
