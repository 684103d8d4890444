/** An interrupt wire as the devices package defines it (ARCHITECTURE.md "Interrupts and time"). */
export interface IrqLineLike {
  set(level: boolean): void;
}
