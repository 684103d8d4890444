/** The documents this package follows, with their versions and status. */
export const LOADER_SPECS = [
  { name: 'System V ABI, ELF-64 Object File Format', version: '1.5', section: 'Program header (PT_LOAD)', status: 'ratified' },
  { name: 'RISC-V ELF psABI', version: '1.0', section: 'e_machine EM_RISCV = 243', status: 'ratified' },
  { name: 'Linux Documentation/arch/riscv/boot-image-header.rst', version: 'header 0.2', section: 'Image header', status: 'ratified' },
  { name: 'Linux Documentation/driver-api/early-userspace/buffer-format.rst', version: 'newc', section: 'initramfs cpio', status: 'ratified' },
  { name: 'RFC 1952 GZIP / RFC 1951 DEFLATE', version: '4.3', section: 'stored blocks', status: 'ratified' },
] as const;
