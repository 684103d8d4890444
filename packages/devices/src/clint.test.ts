import { describe, expect, it } from 'vitest';
import { Clint } from './clint.js';
import { LevelLatch } from './types.js';

function make(harts = 2) {
  let ticks = 1000;
  const clock = { frequency: 10_000_000, now: () => ticks };
  const msip = Array.from({ length: harts }, () => new LevelLatch());
  const mtip = Array.from({ length: harts }, () => new LevelLatch());
  const clint = new Clint({ harts, clock, msip, mtip });
  return { clint, msip, mtip, advance: (n: number) => (ticks += n), clock };
}

describe('clint', () => {
  it('reads mtime at 0xbff8 from the clock, whole and in 32-bit halves', () => {
    const { clint, advance } = make();
    expect(clint.read64(0xbff8)).toBe(1000n);
    advance(2 ** 32);
    expect(clint.read(0xbff8, 4)).toBe(1000);
    expect(clint.read(0xbffc, 4)).toBe(1);
  });

  it('drives MSIP per hart from bit 0 of msip[h]', () => {
    const { clint, msip } = make();
    clint.write(4, 4, 0xffffffff);
    expect(msip[1]!.level).toBe(true);
    expect(msip[0]!.level).toBe(false);
    expect(clint.read(4, 4)).toBe(1);
    clint.write(4, 4, 0);
    expect(msip[1]!.level).toBe(false);
  });

  it('asserts MTIP when mtime reaches mtimecmp and reports the deadline', () => {
    const { clint, mtip, advance } = make();
    clint.poll();
    expect(mtip[0]!.level).toBe(true); // mtimecmp resets to 0 as in QEMU
    clint.write64(0x4000, 1500n);
    expect(mtip[0]!.level).toBe(false);
    clint.write(0x4008, 4, 0xffffffff);
    clint.write(0x400c, 4, 0xffffffff);
    expect(clint.read64(0x4008)).toBe(0xffff_ffff_ffff_ffffn);
    expect(clint.nextDeadline()).toBe(1500);
    advance(499);
    clint.poll();
    expect(mtip[0]!.level).toBe(false);
    advance(1);
    clint.poll();
    expect(mtip[0]!.level).toBe(true);
    expect(mtip[1]!.level).toBe(false);
    expect(clint.nextDeadline()).toBeUndefined();
  });

  it('lets the guest set mtime, and the time clock follows it', () => {
    const { clint } = make();
    clint.write64(0xbff8, 5n);
    expect(clint.read64(0xbff8)).toBe(5n);
    expect(clint.timeClock.now()).toBe(5);
  });

  it('ignores holes and harts that do not exist', () => {
    const { clint } = make(1);
    clint.write(4, 4, 1);
    expect(clint.read(4, 4)).toBe(0);
    expect(clint.read64(0x4008)).toBe(0n);
    expect(clint.read(0x8000, 4)).toBe(0);
  });

  it('round-trips its state', () => {
    const { clint, clock } = make();
    clint.write64(0x4008, 77n);
    clint.write(0, 4, 1);
    const state = JSON.parse(JSON.stringify(clint.getState()));
    const msip = [new LevelLatch(), new LevelLatch()];
    const mtip = [new LevelLatch(), new LevelLatch()];
    const copy = Clint.fromState(state, { harts: 2, clock, msip, mtip });
    expect(copy.read64(0x4008)).toBe(77n);
    expect(msip[0]!.level).toBe(true);
    expect(mtip[1]!.level).toBe(true);
  });
});
