#!/usr/bin/env bash
# Sets up a fresh Debian machine for tsvisor: host packages (cross toolchains, QEMU as
# the oracle, OpenSBI), pnpm, the workspace's npm packages, and the bare-metal test programs.
set -euo pipefail
cd "$(dirname "$0")/../.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
APT_PACKAGES=(
  qemu-system-misc opensbi
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-user
  device-tree-compiler cpio xz-utils e2fsprogs make
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "12.4.2" ]; then
  echo "setup: installing pnpm 12.4.2"
  npm i -g pnpm@12.4.2 >/dev/null
fi
pnpm install --frozen-lockfile
if [ -f tests/baremetal/Makefile ]; then
  make -s -C tests/baremetal
fi
make -s -C packages/csr-h-ext/test-programs
echo "setup: done"
