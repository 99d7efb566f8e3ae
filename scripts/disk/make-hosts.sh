#!/bin/sh
# End-to-end disk fixtures (docs/disks.md, "The sample host as a disk"): the sample host fixtures/hosts/web01
# written to two disks the way an installer lays a host out, so that a test can check that the image gives the
# same records and the same listing as the directory tree.
#
#   web01-gpt.qcow2  GPT: p1 ext4 "/" (LABEL=root; 1 KiB blocks and 128-byte inodes, so times in whole seconds), p2 ext4 "/var/log" (UUID=), p3 swap; a compressed qcow2.
#   web01-lvm.vmdk   MBR: p1 type 8e, an LVM2 PV holding VG vg0 with LVs root (XFS), swap, and log (ext4 in two
#                    segments: it was extended after swap was made); a streamOptimized VMDK.
#   web01-mixed.img  raw GPT (gzipped): p1 an EFI system partition (mkfs.vfat), p2 a BIOS boot partition, p3 the
#                    ext4 root of web01-gpt, p4 a LUKS2 volume (cryptsetup luksFormat), p5 pseudo-random bytes:
#                    the root is read, the LUKS volume is an error of the run, the rest is listed or warned of.
#
# The root filesystem of each gets an /etc/fstab (the one file that is not in web01) saying where /var/log is.
# Oracles beside the images, all from the real tools: for every filesystem, mounted read-only by the kernel
# (loop), `find -printf` of the tree and `sha256sum` of every regular file; `qemu-img info` of each image; the
# partition tables (sfdisk --json) and the LVM reports. The kernel here has no device-mapper, so LVs are not
# activated (as in make-volumes.sh): the filesystems are made in files, checked by mounting those, and written
# by dd into the PV at the extents `lvs --segments` reports.
# Needs root, util-linux, gdisk, e2fsprogs, xfsprogs, lvm2, qemu-utils. Run from the repository root.
set -eu
src=$(pwd)/fixtures/hosts/web01
out=$(pwd)/fixtures/disk/hosts
work=$(mktemp -d)
mnt=$work/mnt
loops=""
cleanup() {
  cd /
  if mountpoint -q "$mnt"; then umount "$mnt"; fi
  for l in $loops; do losetup -d "$l" 2>/dev/null || true; done
  mountpoint -q "$mnt" || rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out" "$mnt"
rm -f "$out"/*

ROOT_UUID=1c0f7a2e-5b3d-4e6f-8a9b-0c1d2e3f4a5b
LOG_UUID=7e57a11d-0b5e-4c0d-9e1f-a2b3c4d5e6f7
SWAP_UUID=5a5a5a5a-1111-4222-8333-444455556666
XFS_UUID=0f5e1c2a-9b7d-4c3e-8a11-fedcba987654
LVLOG_UUID=2b2b2b2b-3c3c-4d4d-8e5e-6f6f6f6f6f6f

# the trees: "/" without the contents of /var/log (an empty mount point), and /var/log itself
mkdir -p "$work/root" "$work/log"
cp -a "$src/." "$work/root/"
cp -a "$src/var/log/." "$work/log/"
find "$work/root/var/log" -mindepth 1 -delete

# oracle FSIMAGE NAME: mounts the filesystem read-only and lists what the kernel reads
oracle() {
  mount -o loop,ro "$1" "$mnt"
  (cd "$mnt" && find . -mindepth 1 ! -name lost+found ! -path './lost+found/*' -printf '%P\t%y\t%m\t%U\t%G\t%s\t%T@\t%l\n' | LC_ALL=C sort) >"$out/$2.find.tsv"
  (cd "$mnt" && find . -type f ! -path './lost+found/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 -r sha256sum) >"$out/$2.sha256"
  umount "$mnt"
}

# ---- web01-gpt: GPT, ext4 root with 1 KiB blocks (mke2fs's "small" type), ext4 /var/log, swap
cat >"$work/root/etc/fstab" <<EOF
# /etc/fstab: static file system information.
LABEL=root  /         ext4  errors=remount-ro  0  1
UUID=$LOG_UUID  /var/log  ext4  defaults,nodev  0  2
UUID=$SWAP_UUID  none  swap  sw  0  0
proc  /proc  proc  defaults  0  0
EOF
mkfs.ext4 -q -F -L root -U "$ROOT_UUID" -d "$work/root" "$work/gpt-root.ext4" 8M
mkfs.ext4 -q -F -L varlog -U "$LOG_UUID" -d "$work/log" "$work/gpt-log.ext4" 6M
oracle "$work/gpt-root.ext4" web01-gpt.p1
oracle "$work/gpt-log.ext4" web01-gpt.p2
truncate -s 2M "$work/gpt-swap"
mkswap -q -U "$SWAP_UUID" -L swap "$work/gpt-swap"

truncate -s 18M "$work/web01-gpt.raw"
sgdisk -o -U 3e0a1b2c-4d5e-4f60-8172-839405a6b7c8 \
  -n 1:2048:+8M -t 1:8304 -c 1:root -u 1:0a0a0a0a-1111-4222-8333-000000000001 \
  -n 2:0:+6M -t 2:8300 -c 2:var-log -u 2:0a0a0a0a-1111-4222-8333-000000000002 \
  -n 3:0:0 -t 3:8200 -c 3:swap -u 3:0a0a0a0a-1111-4222-8333-000000000003 \
  "$work/web01-gpt.raw" >/dev/null
sfdisk --json "$work/web01-gpt.raw" | sed "s#$work/##g" >"$out/web01-gpt.sfdisk.json"
start() { sfdisk -d "$1" | sed -n "s#^.*[^0-9]$2 : start= *\([0-9]*\),.*#\1#p"; }
dd if="$work/gpt-root.ext4" of="$work/web01-gpt.raw" bs=512 seek="$(start "$work/web01-gpt.raw" 1)" conv=notrunc status=none
dd if="$work/gpt-log.ext4" of="$work/web01-gpt.raw" bs=512 seek="$(start "$work/web01-gpt.raw" 2)" conv=notrunc status=none
dd if="$work/gpt-swap" of="$work/web01-gpt.raw" bs=512 seek="$(start "$work/web01-gpt.raw" 3)" conv=notrunc status=none
qemu-img convert -c -f raw -O qcow2 "$work/web01-gpt.raw" "$out/web01-gpt.qcow2"
qemu-img info --output=json "$out/web01-gpt.qcow2" | sed "s#$out/##g" >"$out/web01-gpt.qcow2.info.json"
sha256sum "$work/web01-gpt.raw" | sed "s#$work/##" >"$out/web01-gpt.raw.sha256"

# ---- web01-lvm: MBR, one PV; XFS root, swap, ext4 /var/log in two segments
cat >"$work/root/etc/fstab" <<EOF
# <file system> <mount point> <type> <options> <dump> <pass>
/dev/mapper/vg0-root  /  xfs  defaults  0  1
/dev/vg0/log  /var/log  ext4  defaults  0  2
/dev/mapper/vg0-swap  none  swap  sw  0  0
EOF
truncate -s 24M "$work/lvm-root.xfs"
TEST_DIR=/tmp TEST_DEV=/dev/null QA_CHECK_FS=1 mkfs.xfs -q -f -L root -m uuid="$XFS_UUID" "$work/lvm-root.xfs"
mount -o loop "$work/lvm-root.xfs" "$mnt"
cp -a "$work/root/." "$mnt/"
umount "$mnt"
mkfs.ext4 -q -F -L varlog -U "$LVLOG_UUID" -d "$work/log" "$work/lvm-log.ext4" 8M
oracle "$work/lvm-root.xfs" web01-lvm.root
oracle "$work/lvm-log.ext4" web01-lvm.log
truncate -s 2M "$work/lvm-swap"
mkswap -q -L swap "$work/lvm-swap"

truncate -s 40M "$work/web01-lvm.raw"
sfdisk -q "$work/web01-lvm.raw" <<'EOF'
label: dos
label-id: 0x0e5e0019
unit: sectors
start=2048, type=8e
EOF
sfdisk --json "$work/web01-lvm.raw" | sed "s#$work/##g" >"$out/web01-lvm.sfdisk.json"
p1_start=$(($(start "$work/web01-lvm.raw" 1) * 512))
p1_size=$(sfdisk -d "$work/web01-lvm.raw" | sed -n 's#^.*1 : start= *[0-9]*, size= *\([0-9]*\),.*#\1#p')
pv=$(losetup -f --show -o "$p1_start" --sizelimit $((p1_size * 512)) "$work/web01-lvm.raw")
loops="$loops $pv"

. "$(dirname "$0")/lvm-env.sh"
lvm_env "$work"
devs="--devices $pv"
lvmq pvcreate -q $devs "$pv"
lvmq vgcreate -q $devs -s 1M vg0 "$pv"
lvmq lvcreate -q $devs -an -Zn -L 24M -n root vg0
lvmq lvcreate -q $devs -an -Zn -L 4M -n log vg0
lvmq lvcreate -q $devs -an -Zn -L 2M -n swap vg0
lvmq lvextend -q $devs -L +4M vg0/log
rep="--reportformat json --units b $devs"
names() { sed -e "s#$pv#web01-lvm:p1#g"; }
pvs $rep -o pv_name,vg_name,pe_start,pv_pe_count 2>/dev/null | names >"$out/web01-lvm.pvs.json"
lvs $rep --segments -o lv_name,seg_start_pe,seg_size_pe,segtype,seg_pe_ranges 2>/dev/null | names >"$out/web01-lvm.segs.json"

# put FSIMAGE LV: writes the image into the LV's segments, each at its PV extents
pe=$(pvs --noheadings --units b --nosuffix -o pe_start $devs "$pv" 2>/dev/null | tr -d ' ')
extent=1048576
put() {
  lvs --noheadings --segments --separator '|' -o seg_start_pe,seg_size_pe,seg_pe_ranges $devs "vg0/$2" 2>/dev/null |
    while IFS='|' read -r at size range; do
      at=$(echo "$at" | tr -d ' '); size=$(echo "$size" | tr -d ' ')
      first=${range#*:}; first=${first%-*}
      dd if="$1" of="$work/web01-lvm.raw" iflag=skip_bytes,count_bytes oflag=seek_bytes conv=notrunc status=none \
        skip=$((at * extent)) count=$((size * extent)) seek=$((p1_start + pe + first * extent)) bs=64K
    done
}
put "$work/lvm-root.xfs" root
put "$work/lvm-log.ext4" log
put "$work/lvm-swap" swap
losetup -d "$pv"; loops=""

qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$work/web01-lvm.raw" "$out/web01-lvm.vmdk"
qemu-img info --output=json "$out/web01-lvm.vmdk" | sed "s#$out/##g" >"$out/web01-lvm.vmdk.info.json"
sha256sum "$work/web01-lvm.raw" | sed "s#$work/##" >"$out/web01-lvm.raw.sha256"
# ---- web01-mixed: what a reader must list, warn of, or refuse, beside a root it reads
truncate -s 3M "$work/esp"
mkfs.vfat -i 0e5e0019 -n ESP "$work/esp" >/dev/null
truncate -s 4M "$work/luks"
printf 'quarry-fixture' >"$work/luks.key"
# LUKS2 with the smallest keyslot area that holds one key (the key material is random: it does not compress)
cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --luks2-metadata-size 16k \
  --luks2-keyslots-size 256k --uuid 1a2b3c4d-0000-4000-8000-00000000115c --key-file "$work/luks.key" "$work/luks" 2>/dev/null
openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f -iv 0 -nosalt </dev/zero 2>/dev/null | head -c 4096 >"$work/noise"
truncate -s 20M "$work/web01-mixed.img"
sgdisk -o -U 3e0a1b2c-4d5e-4f60-8172-839405a6b7c9 \
  -n 1:2048:+3M -t 1:ef00 -c 1:"EFI system partition" \
  -n 2:0:+1M -t 2:ef02 -c 2:bios \
  -n 3:0:+8M -t 3:8304 -c 3:root \
  -n 4:0:+4M -t 4:8309 -c 4:crypt \
  -n 5:0:0 -t 5:8300 -c 5:noise \
  "$work/web01-mixed.img" >/dev/null
m=$work/web01-mixed.img
dd if="$work/esp" of="$m" bs=512 seek="$(start "$m" 1)" conv=notrunc status=none
dd if="$work/gpt-root.ext4" of="$m" bs=512 seek="$(start "$m" 3)" conv=notrunc status=none
dd if="$work/luks" of="$m" bs=512 seek="$(start "$m" 4)" conv=notrunc status=none
dd if="$work/noise" of="$m" bs=512 seek="$(start "$m" 5)" conv=notrunc status=none
sfdisk --json "$m" | sed "s#$work/##g" >"$out/web01-mixed.sfdisk.json"
# blkid's own names for what each partition holds (nothing for p2 and p5)
for i in 1 2 3 4 5; do
  st=$(($(start "$m" "$i") * 512))
  echo "p$i $(blkid -p -o export -O "$st" "$m" 2>/dev/null | grep '^TYPE=' || echo TYPE=)"
done >"$out/web01-mixed.blkid.txt"
gzip -9n <"$m" >"$out/web01-mixed.img.gz"

# the raw disks as qemu-img reads the images back, to show the conversions are exact
for i in web01-gpt.qcow2 web01-lvm.vmdk; do
  qemu-img convert -O raw "$out/$i" "$work/back.raw"
  echo "$(sha256sum "$work/back.raw" | cut -d' ' -f1)  $i as raw"
done >"$out/readback.sha256"
ls -l "$out"
