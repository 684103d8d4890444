/** DBCN extension, EID 0x4442434E (SBI spec, "Debug Console Extension"), 2.0. */
import * as d from '../defs';
import type { SbiExtension, SbiGuestMemory } from '../types';
import { arg, joinAddress, ok, ret } from '../util';

/** A console the SBI implementation writes to and reads from. */
export interface SbiConsoleHost {
  /**
   * Offers bytes to the console; returns how many it took (0..length), or a
   * negative SBI error (SBI_ERR_DENIED, SBI_ERR_FAILED). Never blocks.
   */
  consoleWrite(bytes: Uint8Array): number;
  /** Takes up to `max` waiting input bytes (empty when none). */
  consoleRead(max: number): Uint8Array;
}

/** The most bytes one DBCN call moves; the spec allows partial transfers. */
export const DBCN_MAX_CHUNK = 4096;

export function dbcn(host: SbiConsoleHost, memory: SbiGuestMemory): SbiExtension {
  return {
    name: 'dbcn',
    owns: (eid) => eid === d.SBI_EXT_DBCN,
    handle(_ctx, _eid, fid, args) {
      switch (fid) {
        case d.SBI_EXT_DBCN_CONSOLE_WRITE: {
          const n = arg(args, 0);
          const pa = joinAddress(arg(args, 1), arg(args, 2));
          if (n === 0n) return ok(0n);
          // The whole range must be readable memory, else SBI_ERR_INVALID_PARAM (SBI spec, DBCN FID 0).
          if (!memory.accessible(pa, n, false)) return ret(d.SBI_ERR_INVALID_PARAM);
          const len = n > BigInt(DBCN_MAX_CHUNK) ? DBCN_MAX_CHUNK : Number(n);
          const bytes = memory.read(pa, len);
          if (!bytes) return ret(d.SBI_ERR_INVALID_PARAM);
          const w = host.consoleWrite(bytes);
          return w < 0 ? ret(w) : ok(BigInt(w));
        }
        case d.SBI_EXT_DBCN_CONSOLE_READ: {
          const n = arg(args, 0);
          const pa = joinAddress(arg(args, 1), arg(args, 2));
          if (n === 0n) return ok(0n);
          if (!memory.accessible(pa, n, true)) return ret(d.SBI_ERR_INVALID_PARAM);
          const max = n > BigInt(DBCN_MAX_CHUNK) ? DBCN_MAX_CHUNK : Number(n);
          const bytes = host.consoleRead(max).subarray(0, max);
          if (bytes.length > 0 && !memory.write(pa, bytes)) return ret(d.SBI_ERR_INVALID_PARAM);
          return ok(BigInt(bytes.length));
        }
        case d.SBI_EXT_DBCN_CONSOLE_WRITE_BYTE: {
          // uint8_t byte: only bits 7:0 count (SBI spec, "Binary Encoding" on narrow parameters).
          const w = host.consoleWrite(Uint8Array.of(Number(arg(args, 0) & 0xffn)));
          if (w < 0) return ret(w);
          return w === 1 ? ok(0n) : ret(d.SBI_ERR_FAILED);
        }
        default:
          return ret(d.SBI_ERR_NOT_SUPPORTED);
      }
    },
  };
}
