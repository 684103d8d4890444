#!/bin/sh
# load-modules NAME...: insmod the named kernel modules and their dependencies, in the order
# of /lib/modules/<version>/modules.dep (dependencies first). Names as in the file names
# (virtio_blk, virtio-rng, ext4, 9pnet_virtio...). Prints "load-modules: FILE failed" on errors.
dir=/lib/modules/$(uname -r)
need=" "
status=0
for m in "$@"; do
  line=$(grep -E "/$m\.ko:" "$dir/modules.dep")
  if [ -z "$line" ]; then
    echo "load-modules: no module $m in $dir/modules.dep"
    status=1
    continue
  fi
  need="$need${line%%:*} ${line#*:} "
done
while IFS=: read -r file deps; do
  case "$need" in
    *" $file "*)
      grep -q "^$(basename "$file" .ko | tr - _) " /proc/modules && continue
      insmod "$dir/$file" || { echo "load-modules: $file failed"; status=1; }
      ;;
  esac
done < "$dir/modules.dep"
exit $status
