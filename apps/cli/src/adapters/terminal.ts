/**
 * The host side of UART0: guest output to stdout; stdin to the guest. A TTY is put in raw
 * mode and Ctrl-A starts an escape as in QEMU (-nographic): Ctrl-A X quits, Ctrl-A I
 * prints the harts' state, Ctrl-A H lists them, Ctrl-A Ctrl-A sends one Ctrl-A.
 */
const CTRL_A = 0x01;

export interface TerminalHandlers {
  input(bytes: Uint8Array): void;
  quit(): void;
  inspect(): void;
}

export interface Terminal {
  write(bytes: Uint8Array): void;
  close(): void;
}

export function attachTerminal(h: TerminalHandlers): Terminal {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  let escape = false;
  const onData = (chunk: Buffer): void => {
    if (!tty) {
      h.input(new Uint8Array(chunk));
      return;
    }
    const out: number[] = [];
    for (const b of chunk) {
      if (escape) {
        escape = false;
        const c = String.fromCharCode(b).toLowerCase();
        if (c === 'x') {
          process.stderr.write('\r\ntsvisor: terminated (Ctrl-A X)\r\n');
          h.quit();
          return;
        }
        if (c === 'i') h.inspect();
        else if (c === 'h' || c === '?') process.stderr.write('\r\nCtrl-A X  quit\r\nCtrl-A I  show each hart (pc, mode, last trap)\r\nCtrl-A H  this help\r\nCtrl-A Ctrl-A  send Ctrl-A\r\n');
        else if (b === CTRL_A) out.push(CTRL_A);
        continue;
      }
      if (b === CTRL_A) escape = true;
      else out.push(b);
    }
    if (out.length) h.input(Uint8Array.from(out));
  };
  // Killed while the terminal is raw: put it back before dying, with the usual 128+signal status.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (tty) stdin.setRawMode(false);
    process.exit(128 + (signal === 'SIGHUP' ? 1 : 15));
  };
  if (tty) {
    stdin.setRawMode(true);
    process.once('SIGTERM', onSignal);
    process.once('SIGHUP', onSignal);
  }
  stdin.on('data', onData);
  stdin.on('error', () => {});
  stdin.resume();
  return {
    write(bytes) {
      process.stdout.write(bytes);
    },
    close() {
      stdin.off('data', onData);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      if (tty) stdin.setRawMode(false);
      stdin.pause();
      stdin.unref?.();
    },
  };
}
