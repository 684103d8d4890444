#!/bin/sh
# /init of the tsvisor test initramfs (busybox).
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo TSVISOR-BOOT-OK
uname -a
# A test may append a second cpio archive holding /test.sh (see appendToInitramfs in guest.ts).
if [ -f /test.sh ]; then
  echo TSVISOR-TEST-BEGIN
  sh /test.sh
  echo "TSVISOR-TEST-END status=$?"
fi
if grep -q 'tsvisor.test=1' /proc/cmdline; then
  poweroff -f
fi
echo "tsvisor guest: modules are in /lib/modules/$(uname -r) (load-modules ext4 virtio_blk ...)"
exec setsid cttyhack sh
