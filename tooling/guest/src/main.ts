// `pnpm guest`: fetch (or reuse) the Debian riscv64 guest and print the paths of Image and initramfs.
import { statSync } from 'node:fs';
import { ensureGuest } from './guest.js';

const started = Date.now();
try {
  const g = ensureGuest();
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  console.log(`guest: kernel ${g.kernelVersion} (${g.kernelPackage})`);
  if (g.downloadBytes) console.log(`guest: downloaded ${mb(g.downloadBytes)}`);
  console.log(`guest: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`Image     ${g.image} (${mb(statSync(g.image).size)})`);
  console.log(`initramfs ${g.initramfs} (${mb(statSync(g.initramfs).size)})`);
} catch (e) {
  console.error(`guest: ${(e as Error).message}`);
  process.exit(1);
}
