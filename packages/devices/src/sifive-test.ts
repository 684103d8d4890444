/**
 * The SiFive test finisher as QEMU's virt machine has it at 0x100000 ("sifive,test1",
 * "sifive,test0", "syscon"): a 32-bit write of 0x5555 powers off with status 0,
 * (code << 16) | 0x3333 exits with `code`, 0x7777 resets. Linux reaches it through
 * the syscon-poweroff and syscon-reboot nodes.
 */
import { type FdtNode, ref } from '@tsvisor/fdt';
import type { MmioDevice } from './types.js';

export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;
export const SIFIVE_TEST_SIZE = 0x1000;

export interface SifiveTestOptions {
  /** Called on a pass (status 0) or fail (status = code) write. */
  onExit: (status: number) => void;
  /** Called on a reset write. */
  onReset: () => void;
}

export interface SifiveTestState {
  stateVersion: 1;
}

/** sifive_test finisher / syscon. */
export class SifiveTest implements MmioDevice {
  static readonly compatible = ['sifive,test1', 'sifive,test0', 'syscon'];

  constructor(private readonly options: SifiveTestOptions) {}

  read(_offset: number, _size: 1 | 2 | 4): number {
    return 0;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    if (offset !== 0) return;
    const code = (value >>> 16) & 0xffff;
    switch (value & 0xffff) {
      case FINISHER_PASS:
        this.options.onExit(0);
        return;
      case FINISHER_FAIL:
        this.options.onExit(code);
        return;
      case FINISHER_RESET:
        this.options.onReset();
        return;
      default:
        // QEMU logs an unknown status as a guest error and otherwise ignores it.
        return;
    }
  }

  getState(): SifiveTestState {
    return { stateVersion: 1 };
  }

  static fromState(state: SifiveTestState, options: SifiveTestOptions): SifiveTest {
    if (state.stateVersion !== 1) throw new Error(`sifive_test: unsupported stateVersion ${String(state.stateVersion)}`);
    return new SifiveTest(options);
  }
}

/**
 * Writes `test@<base>` under `parent` (labelled `label`, default 'test') and, under `root`,
 * the syscon-poweroff and syscon-reboot nodes that point into it (Linux bindings
 * power/reset/syscon-poweroff.yaml and syscon-reboot.yaml), as QEMU's virt does.
 */
export function writeSifiveTestNodes(root: FdtNode, parent: FdtNode, o: { base: number; size?: number; label?: string }): FdtNode {
  const label = o.label ?? 'test';
  const node = parent
    .addNode(`test@${o.base.toString(16)}`, { label })
    .u64('reg', o.base, o.size ?? SIFIVE_TEST_SIZE)
    .strings('compatible', ...SifiveTest.compatible);
  root.addNode('poweroff').u32('value', FINISHER_PASS).u32('offset', 0).u32('regmap', ref(label)).string('compatible', 'syscon-poweroff');
  root.addNode('reboot').u32('value', FINISHER_RESET).u32('offset', 0).u32('regmap', ref(label)).string('compatible', 'syscon-reboot');
  return node;
}
