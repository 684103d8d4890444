/**
 * The specifications this package implements, with their status.
 * Each rule in the code names the section it follows.
 */
export const SPECS = [
  { name: 'RISC-V Privileged Architecture: Supervisor-Level ISA, Sv39/Sv48/Sv57', version: '20211203 (Priv 1.12) and later errata', status: 'ratified' },
  { name: 'RISC-V Privileged Architecture: Hypervisor Extension, Two-Stage Address Translation (Sv39x4/Sv48x4/Sv57x4)', version: '1.0', status: 'ratified' },
  { name: 'RISC-V Privileged Architecture: Physical Memory Protection', version: 'Priv 1.12', status: 'ratified' },
  { name: 'Svnapot (NAPOT translation contiguity, 64 KiB)', version: '1.0', status: 'ratified' },
  { name: 'Svpbmt (page-based memory types)', version: '1.0', status: 'ratified' },
  { name: 'Svadu (hardware A/D updates, menvcfg.ADUE / henvcfg.ADUE)', version: '1.0', status: 'ratified' },
] as const;
