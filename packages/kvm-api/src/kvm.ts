/** The KVM "system" object (/dev/kvm): API version, capabilities, VM creation. */
import { KVM_API_VERSION } from './defs';
import { Vm, checkExtension } from './vm';
import type { VmOptions } from './vm';

export class Kvm {
  /** KVM_GET_API_VERSION. */
  readonly apiVersion = KVM_API_VERSION;

  /** KVM_CHECK_EXTENSION. */
  checkExtension(cap: number): number {
    return checkExtension(cap);
  }

  /** KVM_CREATE_VM (type 0). */
  createVm(options: VmOptions = {}): Vm {
    return new Vm(options);
  }
}
