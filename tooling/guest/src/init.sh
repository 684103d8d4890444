#!/bin/sh
# /init of the tsvisor test initramfs (busybox).
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo TSVISOR-BOOT-OK
uname -a
if grep -q 'tsvisor.test=1' /proc/cmdline; then
  poweroff -f
fi
echo "tsvisor guest: modules are in /lib/modules/$(uname -r) (insmod <file>.ko.xz)"
exec setsid cttyhack sh
