/*
 * kvm-smoke: a static riscv64 Linux program that runs a tiny VM through /dev/kvm (KVM RISC-V
 * running on the emulated H extension). The guest stores to MMIO, loads from MMIO, stores the
 * loaded value + 1, and asks SBI SRST for a shutdown; the program prints each exit.
 * Build: riscv64-linux-gnu-gcc -static (see the Makefile); run inside a guest after
 * `insmod kvm.ko.xz`. Output: "kvm-smoke: ..." lines, then "kvm-smoke: PASS" or "FAIL".
 */
#include <fcntl.h>
#include <stddef.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_BASE 0x80000000ul
#define GUEST_SIZE 0x10000ul
#define MMIO_ADDR 0x10000000ul

/* guest code: position independent, no stack */
__asm__(
  ".pushsection .rodata\n"
  ".globl guest_code\n"
  ".globl guest_code_end\n"
  ".balign 4\n"
  "guest_code:\n"
  ".option push\n .option norvc\n"
  "  lui t0, 0x10000\n"          /* t0 = 0x10000000 */
  "  li t1, 0x42\n"
  "  sb t1, 0(t0)\n"              /* MMIO write 0x42 */
  "  lw t2, 8(t0)\n"              /* MMIO read (the VMM supplies 0x5a) */
  "  addi t2, t2, 1\n"
  "  sw t2, 16(t0)\n"             /* MMIO write 0x5b */
  "  li a7, 0x53525354\n"         /* SBI SRST: system reset, shutdown */
  "  li a6, 0\n"
  "  li a0, 0\n"
  "  li a1, 0\n"
  "  ecall\n"
  "1: j 1b\n"
  ".option pop\n"
  "guest_code_end:\n"
  ".popsection\n");
extern const unsigned char guest_code[], guest_code_end[];

static int fails;
static void expect(const char *what, unsigned long got, unsigned long want) {
  printf("kvm-smoke: %s = 0x%lx%s\n", what, got, got == want ? "" : " (unexpected)");
  if (got != want) fails++;
}

int main(void) {
  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0) { perror("kvm-smoke: /dev/kvm"); return 1; }
  printf("kvm-smoke: KVM_GET_API_VERSION = %d\n", ioctl(kvm, KVM_GET_API_VERSION, 0));
  int vm = ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) { perror("kvm-smoke: KVM_CREATE_VM"); return 1; }
  void *mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memcpy(mem, guest_code, (size_t)(guest_code_end - guest_code));
  struct kvm_userspace_memory_region region = { .slot = 0, .guest_phys_addr = GUEST_BASE, .memory_size = GUEST_SIZE, .userspace_addr = (unsigned long)mem };
  if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) { perror("kvm-smoke: KVM_SET_USER_MEMORY_REGION"); return 1; }
  int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (vcpu < 0) { perror("kvm-smoke: KVM_CREATE_VCPU"); return 1; }
  long run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
  unsigned long pc = GUEST_BASE;
  struct kvm_one_reg reg = { .id = KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE | KVM_REG_RISCV_CORE_REG(regs.pc), .addr = (unsigned long)&pc };
  if (ioctl(vcpu, KVM_SET_ONE_REG, &reg) < 0) { perror("kvm-smoke: KVM_SET_ONE_REG pc"); return 1; }

  int step = 0;
  for (;;) {
    if (ioctl(vcpu, KVM_RUN, 0) < 0) { perror("kvm-smoke: KVM_RUN"); return 1; }
    if (run->exit_reason == KVM_EXIT_MMIO) {
      if (step == 0) {
        expect("exit 1 MMIO write addr", run->mmio.phys_addr, MMIO_ADDR);
        expect("exit 1 MMIO write len", run->mmio.len, 1);
        expect("exit 1 MMIO write data", run->mmio.data[0], 0x42);
      } else if (step == 1) {
        expect("exit 2 MMIO read addr", run->mmio.phys_addr, MMIO_ADDR + 8);
        expect("exit 2 MMIO is_write", run->mmio.is_write, 0);
        uint32_t v = 0x5a;
        memcpy(run->mmio.data, &v, 4);
      } else if (step == 2) {
        uint32_t v;
        memcpy(&v, run->mmio.data, 4);
        expect("exit 3 MMIO write addr", run->mmio.phys_addr, MMIO_ADDR + 16);
        expect("exit 3 MMIO write data", v, 0x5b);
      } else {
        expect("unexpected MMIO exit", 1, 0);
        break;
      }
      step++;
      continue;
    }
    if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT) {
      expect("exit 4 SYSTEM_EVENT type", run->system_event.type, KVM_SYSTEM_EVENT_SHUTDOWN);
      break;
    }
    printf("kvm-smoke: exit_reason %u\n", run->exit_reason);
    fails++;
    break;
  }
  expect("MMIO exits", (unsigned long)step, 3);
  printf("kvm-smoke: %s\n", fails ? "FAIL" : "PASS");
  return fails ? 1 : 0;
}
