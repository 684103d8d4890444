/**
 * The one error class of kvm-api: API misuse, named like the errno the Linux
 * ioctl would return, with a message that says what was wrong. A failed call
 * leaves the VM as it was.
 */

/** errno names the Linux KVM ioctls use for the same misuse. */
export type KvmErrno = 'EINVAL' | 'EEXIST' | 'ENOENT' | 'EBUSY' | 'ENXIO' | 'ENODEV' | 'E2BIG' | 'ENOMEM' | 'EFAULT' | 'EPERM';

const MARK = Symbol.for('@tsvisor/kvm-api:KvmError');

export class KvmError extends Error {
  readonly errno: KvmErrno;
  readonly [MARK] = true;

  constructor(errno: KvmErrno, message: string) {
    super(`${errno}: ${message}`);
    this.name = 'KvmError';
    this.errno = errno;
  }

  /** True for a KvmError from any copy of this package (duplicate installs). */
  static is(e: unknown): e is KvmError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARK] === true;
  }
}
