import { readFileSync } from 'node:fs';
import { Vmm } from '@tsvisor/vmm';
const G = process.env.HOME + '/.cache/tsvisor/guest';
const vmm = new Vmm({ memory: 256 * 2 ** 20, cpus: 1, params: 'tsvisor.test=1', kernel: { name: 'Image', bytes: new Uint8Array(readFileSync(G + '/Image')) }, initrd: { name: 'initrd', bytes: new Uint8Array(readFileSync(G + '/initramfs.cpio.gz')) }, output: (b) => { process.stdout.write(b); } });
const t0 = Date.now();
const iv = setInterval(() => console.error(`\n[${Date.now() - t0}ms] ${JSON.stringify(vmm.stats)}`), 10000);
const r = await vmm.run();
clearInterval(iv);
console.log('\nRESULT', r, Date.now() - t0, 'ms', JSON.stringify(vmm.stats));
