import { isElf, loadElf } from './elf/elf.js';
import { isLinuxImage, loadLinuxImage } from './linux-image/image.js';
import type { GuestMemoryWriter, GuestRam, LoadedImage } from './memory.js';
import { loadRaw } from './raw/raw.js';

export interface LoadOptions {
  ram: GuestRam;
  memory: GuestMemoryWriter;
  /** Load address for formats that do not carry one (Image, raw). ELF files go where their headers say. */
  address: number;
  /** The file name used in error messages. */
  name?: string;
}

/** One image format behind one interface (rust-vmm linux-loader's KernelLoader, as data). */
export interface ImageLoader {
  readonly format: LoadedImage['format'];
  /** True if the bytes look like this format. */
  probe(bytes: Uint8Array): boolean;
  load(bytes: Uint8Array, options: LoadOptions): LoadedImage;
}

export const elfLoader: ImageLoader = {
  format: 'elf',
  probe: isElf,
  load: (bytes, o) => loadElf(bytes, { ram: o.ram, memory: o.memory, name: o.name }),
};

export const linuxImageLoader: ImageLoader = {
  format: 'linux-image',
  probe: isLinuxImage,
  load: (bytes, o) => loadLinuxImage(bytes, o),
};

export const rawLoader: ImageLoader = {
  format: 'raw',
  probe: () => true,
  load: (bytes, o) => loadRaw(bytes, o),
};

/** Tried in order; raw accepts anything and comes last. */
export const IMAGE_LOADERS: readonly ImageLoader[] = [elfLoader, linuxImageLoader, rawLoader];

/** The loader for these bytes: ELF by its magic, a RISC-V Linux Image by its header magic, else raw. */
export function detectLoader(bytes: Uint8Array): ImageLoader {
  return IMAGE_LOADERS.find((l) => l.probe(bytes))!;
}

/** Detects the format and loads the image. */
export function loadImage(bytes: Uint8Array, options: LoadOptions): LoadedImage {
  return detectLoader(bytes).load(bytes, options);
}
