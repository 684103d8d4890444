import { describe, expect, it } from 'vitest';
import { ImsicFile } from './imsic.js';

class Line {
  level = false;
  set(v: boolean) {
    this.level = v;
  }
}

function make(ids = 255) {
  const irq = new Line();
  const f = new ImsicFile({ ids, irq });
  return { f, irq };
}

describe('imsic interrupt file (AIA, IMSIC)', () => {
  it('seteipnum_le sets eip[id]; identity 0 and ids above N are ignored; the page reads 0', () => {
    const { f } = make(63);
    f.write(0, 4, 5);
    f.write(0, 4, 0);
    f.write(0, 4, 64);
    expect(f.readReg(0x80)).toBe(1 << 5);
    expect(f.hi).toBe(0);
    expect(f.read(0, 4)).toBe(0);
  });

  it('seteipnum_be takes the identity big-endian', () => {
    const { f } = make();
    f.write(4, 4, 0x2a000000);
    expect(f.pending(42)).toBe(true);
  });

  it('sub-word writes are not MSIs', () => {
    const { f } = make();
    f.write(0, 1, 3);
    f.write(0, 2, 3);
    expect(f.pending(3)).toBe(false);
  });

  it('the output needs eidelivery = 1 and a pending-and-enabled identity', () => {
    const { f, irq } = make();
    f.write(0, 4, 7);
    expect(irq.level).toBe(false);
    f.writeReg(0xc0, 1 << 7, 0); // eie0
    expect(irq.level).toBe(false);
    f.writeReg(0x70, 1, 0); // eidelivery on
    expect(irq.level).toBe(true);
    f.writeReg(0x70, 0x40000000, 0); // delegation to an APLIC is not supported: WARL keeps bit 0 only
    expect(f.readReg(0x70)).toBe(0);
    expect(irq.level).toBe(false);
  });

  it('topei reports the lowest pending-and-enabled identity as identity and priority; a write claims it', () => {
    const { f, irq } = make();
    f.writeReg(0x70, 1, 0);
    f.writeReg(0xc0, -1, -1); // eie0: identities 1..63 (bit 0 read-only zero)
    f.writeReg(0xc2, -1, -1); // eie2: 64..127
    expect(f.readReg(0xc0)).toBe(-2);
    f.write(0, 4, 100);
    f.write(0, 4, 9);
    expect(f.topei()).toBe((9 << 16) | 9);
    f.claim();
    expect(f.pending(9)).toBe(false);
    expect(f.topei()).toBe((100 << 16) | 100);
    expect(f.readReg(0x82)).toBe(0);
    expect(f.hi).toBe(1 << (100 - 96));
    f.claim();
    expect(f.topei()).toBe(0);
    expect(irq.level).toBe(false);
  });

  it('eithreshold P masks identities >= P; 0 disables the threshold', () => {
    const { f, irq } = make();
    f.writeReg(0x70, 1, 0);
    f.writeReg(0xc0, -1, -1);
    f.write(0, 4, 20);
    f.writeReg(0x72, 20, 0);
    expect(f.topei()).toBe(0);
    expect(irq.level).toBe(false);
    f.writeReg(0x72, 21, 0);
    expect(f.topei() >>> 16).toBe(20);
    f.writeReg(0x72, 0, 0);
    expect(irq.level).toBe(true);
  });

  it('eip can be written through the register window (a hypervisor injecting into a guest file)', () => {
    const { f } = make();
    f.writeReg(0x80, 1 | (1 << 3), 1 << 1);
    expect(f.pending(3)).toBe(true);
    expect(f.pending(33)).toBe(true);
    expect(f.readReg(0x80)).toBe(1 << 3); // identity 0 stays zero
  });

  it('odd eip/eie numbers do not exist on RV64; 0x71 and 0x73-0x7F are reserved zeros', () => {
    expect(ImsicFile.regExists(0x81)).toBe(false);
    expect(ImsicFile.regExists(0xc1)).toBe(false);
    expect(ImsicFile.regExists(0x71)).toBe(true);
    expect(ImsicFile.regExists(0x6f)).toBe(false);
    const { f } = make();
    f.writeReg(0x71, 5, 0);
    expect(f.readReg(0x71)).toBe(0);
  });

  it('registers for identities beyond N read as zero', () => {
    const { f } = make(63);
    f.writeReg(0xc2, -1, -1);
    expect(f.readReg(0xc2)).toBe(0);
  });

  it('rejects an identity count the AIA does not allow', () => {
    expect(() => new ImsicFile({ ids: 100 })).toThrow(/one less than a multiple of 64/);
  });

  it('state round-trips', () => {
    const { f } = make();
    f.writeReg(0x70, 1, 0);
    f.writeReg(0xc0, 1 << 4, 0);
    f.write(0, 4, 4);
    const irq = new Line();
    const g = ImsicFile.fromState(JSON.parse(JSON.stringify(f.getState())), { irq });
    expect(irq.level).toBe(true);
    expect(g.topei()).toBe((4 << 16) | 4);
  });
});
