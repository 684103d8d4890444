import { describe, expect, it } from 'vitest';
import {
  Ns16550a, UART_FCR, UART_IER, UART_IIR, UART_LCR, UART_LSR, UART_MCR, UART_MSR, UART_RBR, UART_SCR, UART_THR,
} from './ns16550a.js';
import { LevelLatch } from './types.js';

function make() {
  const out: number[] = [];
  const irq = new LevelLatch();
  const uart = new Ns16550a({ output: (b) => out.push(b), irq });
  return { uart, out, irq };
}

describe('ns16550a', () => {
  it('transmits THR writes to the sink and keeps THRE/TEMT set', () => {
    const { uart, out } = make();
    for (const c of 'hi\n') uart.write(UART_THR, 1, c.charCodeAt(0));
    expect(String.fromCharCode(...out)).toBe('hi\n');
    expect(uart.read(UART_LSR, 1) & 0x60).toBe(0x60);
  });

  it('reads host input through RBR with LSR.DR', () => {
    const { uart } = make();
    expect(uart.read(UART_LSR, 1) & 1).toBe(0);
    uart.pushInput([0x41, 0x42]);
    expect(uart.read(UART_LSR, 1) & 1).toBe(1);
    expect(uart.read(UART_RBR, 1)).toBe(0x41);
    expect(uart.read(UART_RBR, 1)).toBe(0x42);
    expect(uart.read(UART_LSR, 1) & 1).toBe(0);
  });

  it('raises the receive interrupt only when enabled, and drops it when drained', () => {
    const { uart, irq } = make();
    uart.pushInput([1]);
    expect(irq.level).toBe(false);
    expect(uart.read(UART_IIR, 1) & 1).toBe(1);
    uart.write(UART_IER, 1, 0x01);
    expect(irq.level).toBe(true);
    expect(uart.read(UART_IIR, 1) & 0x0f).toBe(0x04);
    uart.read(UART_RBR, 1);
    expect(irq.level).toBe(false);
    expect(uart.read(UART_IIR, 1) & 1).toBe(1);
  });

  it('reports FIFO mode in IIR[7:6] and uses the trigger level (timeout id below it)', () => {
    const { uart } = make();
    uart.write(UART_FCR, 1, 0x81); // enable, trigger 8
    uart.write(UART_IER, 1, 0x01);
    uart.pushInput([1, 2, 3]);
    expect(uart.read(UART_IIR, 1)).toBe(0xcc);
    uart.pushInput([4, 5, 6, 7, 8]);
    expect(uart.read(UART_IIR, 1)).toBe(0xc4);
    uart.write(UART_FCR, 1, 0x83); // clear receiver FIFO
    expect(uart.read(UART_LSR, 1) & 1).toBe(0);
  });

  it('raises THRE when ETBEI is enabled with an empty THR; an IIR read clears it (Linux THRE test)', () => {
    const { uart, irq } = make();
    uart.write(UART_IER, 1, 0x02);
    expect(irq.level).toBe(true);
    expect(uart.read(UART_IIR, 1) & 0x0f).toBe(0x02);
    expect(irq.level).toBe(false);
    expect(uart.read(UART_IIR, 1) & 1).toBe(1);
    uart.write(UART_THR, 1, 0x41);
    expect(irq.level).toBe(true);
    uart.write(UART_IER, 1, 0);
    expect(irq.level).toBe(false);
    uart.write(UART_IER, 1, 0x02);
    expect(uart.read(UART_IIR, 1) & 0x0f).toBe(0x02);
  });

  it('keeps IER to its four defined bits (no XScale UUE bit)', () => {
    const { uart } = make();
    uart.write(UART_IER, 1, 0xff);
    expect(uart.read(UART_IER, 1)).toBe(0x0f);
  });

  it('passes the 8250 loopback probe: MCR=LOOP|OUT2|RTS gives MSR[7:4]=0x9', () => {
    const { uart, out } = make();
    uart.write(UART_MCR, 1, 0x1a);
    expect(uart.read(UART_MSR, 1) & 0xf0).toBe(0x90);
    uart.write(UART_THR, 1, 0x55);
    expect(out).toEqual([]);
    expect(uart.read(UART_RBR, 1)).toBe(0x55);
    uart.write(UART_MCR, 1, 0x00);
    expect(uart.read(UART_MSR, 1) & 0xf0).toBe(0xb0);
  });

  it('switches 0/1 to the divisor latch with LCR.DLAB', () => {
    const { uart, out } = make();
    uart.write(UART_LCR, 1, 0x83);
    uart.write(0, 1, 0x01);
    uart.write(1, 1, 0x02);
    expect(uart.read(0, 1)).toBe(0x01);
    expect(uart.read(1, 1)).toBe(0x02);
    uart.write(UART_LCR, 1, 0x03);
    expect(uart.read(UART_IER, 1)).toBe(0);
    expect(out).toEqual([]);
  });

  it('has a scratch register', () => {
    const { uart } = make();
    uart.write(UART_SCR, 1, 0xa5);
    expect(uart.read(UART_SCR, 1)).toBe(0xa5);
  });

  it('round-trips its state', () => {
    const { uart } = make();
    uart.write(UART_IER, 1, 0x01);
    uart.write(UART_SCR, 1, 7);
    uart.pushInput([9, 8]);
    const json = JSON.parse(JSON.stringify(uart.getState()));
    const irq = new LevelLatch();
    const copy = Ns16550a.fromState(json, { irq });
    expect(irq.level).toBe(true);
    expect(copy.read(UART_SCR, 1)).toBe(7);
    expect(copy.read(UART_RBR, 1)).toBe(9);
    expect(copy.read(UART_RBR, 1)).toBe(8);
  });
});
