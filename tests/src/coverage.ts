/**
 * Which instructions the self-checking programs must contain: every instruction of RV64I,
 * M, A, F, D, C, Zicsr, Zifencei, Zba, Zbb, Zbc, Zbs, Zicond, Zihintpause and the
 * privileged instructions (objdump mnemonics, as printed with -M no-aliases).
 */
import { execFileSync } from 'node:child_process';
import { CROSS } from './env.js';

export const REQUIRED: Record<string, string[]> = {
  RV64I: ('lui auipc jal jalr beq bne blt bge bltu bgeu lb lh lw lbu lhu lwu ld sb sh sw sd addi slti sltiu xori ori andi ' +
    'slli srli srai add sub sll slt sltu xor srl sra or and fence fence.tso ecall ebreak addiw slliw srliw sraiw addw subw ' +
    'sllw srlw sraw').split(' '),
  Zifencei: ['fence.i'],
  Zicsr: 'csrrw csrrs csrrc csrrwi csrrsi csrrci'.split(' '),
  M: 'mul mulh mulhsu mulhu div divu rem remu mulw divw divuw remw remuw'.split(' '),
  A: ['lr', 'sc', 'amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu']
    .flatMap((op) => [`${op}.w`, `${op}.d`]),
  F: ('flw fsw fmadd.s fmsub.s fnmsub.s fnmadd.s fadd.s fsub.s fmul.s fdiv.s fsqrt.s fsgnj.s fsgnjn.s fsgnjx.s fmin.s ' +
    'fmax.s fcvt.w.s fcvt.wu.s fmv.x.w feq.s flt.s fle.s fclass.s fcvt.s.w fcvt.s.wu fmv.w.x fcvt.l.s fcvt.lu.s fcvt.s.l ' +
    'fcvt.s.lu').split(' '),
  D: ('fld fsd fmadd.d fmsub.d fnmsub.d fnmadd.d fadd.d fsub.d fmul.d fdiv.d fsqrt.d fsgnj.d fsgnjn.d fsgnjx.d fmin.d ' +
    'fmax.d fcvt.s.d fcvt.d.s feq.d flt.d fle.d fclass.d fcvt.w.d fcvt.wu.d fcvt.d.w fcvt.d.wu fcvt.l.d fcvt.lu.d fmv.x.d ' +
    'fcvt.d.l fcvt.d.lu fmv.d.x').split(' '),
  C: ('c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd c.nop c.addi c.addiw c.li c.addi16sp c.lui c.srli c.srai c.andi c.sub ' +
    'c.xor c.or c.and c.subw c.addw c.j c.beqz c.bnez c.slli c.fldsp c.lwsp c.ldsp c.jr c.mv c.ebreak c.jalr c.add ' +
    'c.fsdsp c.swsp c.sdsp').split(' '),
  Zba: 'add.uw sh1add sh2add sh3add sh1add.uw sh2add.uw sh3add.uw slli.uw'.split(' '),
  Zbb: 'andn orn xnor clz clzw ctz ctzw cpop cpopw max maxu min minu sext.b sext.h zext.h rol rolw ror rori roriw rorw orc.b rev8'.split(' '),
  Zbc: 'clmul clmulh clmulr'.split(' '),
  Zbs: 'bclr bclri bext bexti binv binvi bset bseti'.split(' '),
  Zihintpause: ['pause'],
  Privileged: 'mret sret wfi sfence.vma'.split(' '),
};

/**
 * Zicond is newer than our binutils, so its instructions are words in the programs.
 * czero.eqz / czero.nez x20, x18, x19.
 */
export const ZICOND_WORDS: Record<string, number> = { 'czero.eqz': 0x0f395a33, 'czero.nez': 0x0f397a33 };

/** Mnemonics and raw 32-bit words found in the ELFs' disassembly. */
export function disassembledMnemonics(elfs: string[]): { mnemonics: Set<string>; words: Set<number> } {
  const mnemonics = new Set<string>();
  const words = new Set<number>();
  for (const elf of elfs) {
    const text = execFileSync(`${CROSS}objdump`, ['-d', '-M', 'no-aliases', elf], { maxBuffer: 256 * 2 ** 20 }).toString();
    for (const line of text.split('\n')) {
      const m = /^\s+[0-9a-f]+:\t([0-9a-f]+)\s*\t(\S+)\s*(\S*)/.exec(line);
      if (!m) continue;
      words.add(Number.parseInt(m[1]!, 16));
      // c.nop is c.addi x0, 0, which -M no-aliases prints as such.
      mnemonics.add(m[2] === 'c.addi' && m[3] === 'zero,0' ? 'c.nop' : m[2]!);
    }
  }
  return { mnemonics, words };
}
