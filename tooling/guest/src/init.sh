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
# PID 1 is this script. busybox poweroff, reboot and halt (without -f) signal PID 1 with
# USR2, TERM and USR1, as they would busybox init: so the shell runs as a child, and those
# signals end the machine the way init would.
trap 'sync; poweroff -f' USR2 USR1
trap 'sync; reboot -f' TERM
setsid cttyhack sh &
wait
# The shell exited: there is nothing left to run.
sync
poweroff -f
