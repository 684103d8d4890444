import { checkInRam, type GuestMemoryWriter, type GuestRam, type LoadedImage } from '../memory.js';

export interface LoadRawOptions {
  ram: GuestRam;
  memory: GuestMemoryWriter;
  address: number;
  name?: string;
}

/** Copies a flat binary to `address`; entry is that address (QEMU's fallback for -bios/-kernel). */
export function loadRaw(bytes: Uint8Array, options: LoadRawOptions): LoadedImage {
  const { ram, memory, address } = options;
  checkInRam(options.name ?? 'image', 'image', address, bytes.length, ram);
  if (bytes.length) memory.write(address, bytes);
  return {
    format: 'raw',
    entry: address,
    lowAddress: address,
    highAddress: address + bytes.length,
    segments: [{ address, fileSize: bytes.length, memSize: bytes.length }],
  };
}
