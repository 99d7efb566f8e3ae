#!/bin/sh
# Volume fixtures (docs/disks.md): raw disks partitioned by sfdisk (MBR with extended/logical
# partitions), sgdisk (GPT) and the LVM2 tools (PVs on two GPT partitions, and one PV on a bare disk), plus a
# bare ext4 with no volume system. Every disk is first filled with 32 KiB records that each name their own byte
# offset ("<disk> @<offset>"), so every partition, extent and stripe chunk holds distinct bytes. Beside each
# image: the tools' own reports and the SHA-256 of every volume as dd reads it from the tools' layout — never
# computed by quarry. Images are gzipped (the filler is spaces).
#
# This VM's kernel has no device-mapper, so LVs cannot be activated: the LVM tools run with activation
# disabled (global/activation=0, lvcreate -an -Zn) on loop devices, and an LV's bytes are read by dd from its
# PVs at the extents `lvs --segments -o seg_pe_ranges` reports (pe_start from `pvs`); a striped segment's
# chunks are taken in turn from its stripes, stripe_size bytes each (the dm-stripe mapping).
# Needs util-linux (sfdisk, losetup), gdisk, lvm2, e2fsprogs, gzip, awk. Run as root from the repository root.
set -eu
out=fixtures/disk/volume
work=$(mktemp -d)
loops=""
cleanup() {
  for l in $loops; do losetup -d "$l" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"
rm -f "$out"/*.gz "$out"/*.json "$out"/*.txt "$out"/*.sha256

# fill NAME SIZE_MIB: a disk of 32 KiB records "NAME @OFFSET", space padded
fill() {
  awk -v name="$1" -v n=$(($2 * 32)) 'BEGIN { for (i = 0; i < n; i++) printf "%-32767s\n", name " @" i * 32768 }' >"$work/$1"
}
sums=$out/volumes.sha256
: >"$sums"
# sum DISK NAME START_BYTES SIZE_BYTES: the SHA-256 of that range of the disk, as dd reads it
sum() {
  s=$(dd if="$work/$1" iflag=skip_bytes,count_bytes skip="$3" count="$4" bs=64K status=none | sha256sum | cut -d' ' -f1)
  echo "$s  $1 $2 $3 $4" >>"$sums"
}

# ---- MBR: primaries, an extended partition with three logical ones, a bootable flag, several type bytes
fill mbr.img 16
sfdisk -q "$work/mbr.img" <<'EOF'
label: dos
label-id: 0x5eed0019
unit: sectors
start=2048, size=4096, type=83, bootable
start=6144, size=2048, type=82
start=8192, size=20480, type=5
start=10240, size=4096, type=83
start=16384, size=2048, type=7
start=20480, size=6144, type=8e
start=28672, size=4096, type=c
EOF
sfdisk --json "$work/mbr.img" | sed "s#$work/##g" >"$out/mbr.img.sfdisk.json"
sfdisk -d "$work/mbr.img" | sed "s#$work/##g" >"$out/mbr.img.sfdisk.txt"

# ---- GPT: ESP, a root with a non-ASCII name, a gap, swap, LVM to the end; fixed GUIDs
fill gpt.img 16
sgdisk -o -U 0f0e0d0c-0b0a-4908-8706-050403020100 \
  -n 1:2048:+3M -t 1:ef00 -c 1:"EFI system partition" -u 1:11111111-2222-4333-8444-555555555555 \
  -n 2:0:+5M -t 2:8300 -c 2:"racine-é" -u 2:6a9c1e2d-8b7f-4c3a-9e5d-0123456789ab \
  -n 3:18432:+2M -t 3:8200 -c 3:swap -u 3:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee \
  -n 4:0:0 -t 4:8e00 -c 4:lvm -u 4:deadbeef-0000-4111-a222-333344445555 \
  "$work/gpt.img" >/dev/null
# a real swap signature in the swap partition (mkswap on a file of its size, copied in at its offset)
truncate -s 2M "$work/swap"
mkswap -q -U 5a5a5a5a-0000-4000-8000-000000000003 -L swap0 "$work/swap"
dd if="$work/swap" of="$work/gpt.img" bs=512 seek=18432 conv=notrunc status=none
sgdisk -p "$work/gpt.img" | sed "s#$work/##g" >"$out/gpt.img.sgdisk.txt"
for i in 1 2 3 4; do echo "--- partition $i"; sgdisk -i "$i" "$work/gpt.img"; done >>"$out/gpt.img.sgdisk.txt"
sfdisk --json "$work/gpt.img" | sed "s#$work/##g" >"$out/gpt.img.sfdisk.json"

# ---- GPT with 4096-byte logical sectors (a loop device with -b 4096: sgdisk writes the header at byte 4096)
fill gpt4k.img 16
d=$(losetup -f --show -b 4096 "$work/gpt4k.img"); loops="$loops $d"
sgdisk -o -U 4b4b4b4b-0000-4000-8000-000000004096 \
  -n 1:256:+4M -t 1:8300 -c 1:four-k -u 1:4b4b4b4b-0000-4000-8000-000000000001 \
  -n 2:0:+3M -t 2:ef00 -c 2:esp -u 2:4b4b4b4b-0000-4000-8000-000000000002 \
  "$d" >/dev/null
sfdisk --json "$d" | sed "s#$d#gpt4k.img#g" >"$out/gpt4k.img.sfdisk.json"
sgdisk -p "$d" | sed "s#$d#gpt4k.img#g" >"$out/gpt4k.img.sgdisk.txt"
sfdisk -d "$d" | sed -n 's#^.*p\([0-9]*\) : start= *\([0-9]*\), size= *\([0-9]*\),.*#\1 \2 \3#p' | while read -r n st sz; do
  sum gpt4k.img "p$n" $((st * 4096)) $((sz * 4096))
done
losetup -d "$d"; loops=""

# ---- LVM2: a GPT disk with two LVM partitions, one PV on each, VG vgq with 1 MiB extents
fill lvm.img 32
sgdisk -o -U 19191919-0000-4000-8000-000000000019 \
  -n 1:2048:+15M -t 1:8e00 -c 1:pv1 -u 1:19191919-0000-4000-8000-000000000001 \
  -n 2:0:0 -t 2:8e00 -c 2:pv2 -u 2:19191919-0000-4000-8000-000000000002 \
  "$work/lvm.img" >/dev/null
sfdisk --json "$work/lvm.img" | sed "s#$work/##g" >"$out/lvm.img.sfdisk.json"
sgdisk -p "$work/lvm.img" | sed "s#$work/##g" >"$out/lvm.img.sgdisk.txt"
layout() { # DISK -> "N start_bytes size_bytes" per partition, from sfdisk's dump (one partition a line)
  sfdisk -d "$work/$1" | sed -n 's#^.*\.img\([0-9]*\) : start= *\([0-9]*\), size= *\([0-9]*\),.*#\1 \2 \3#p' |
    while read -r n s z; do echo "$n $((s * 512)) $((z * 512))"; done
}
part() { # DISK N -> "start_bytes size_bytes" of partition N
  layout "$1" | awk -v n="$2" '$1 == n { print $2, $3 }'
}

. "$(dirname "$0")/lvm-env.sh"
lvm_env "$work"
loop() { # IMAGE START SIZE -> loop device (run in $(…): the caller adds it to $loops for the cleanup)
  losetup -f --show -o "$2" --sizelimit "$3" "$work/$1"
}
set -- $(part lvm.img 1); p1=$(loop lvm.img "$1" "$2"); loops="$loops $p1"
set -- $(part lvm.img 2); p2=$(loop lvm.img "$1" "$2"); loops="$loops $p2"
devs="--devices $p1 --devices $p2"
lvmq pvcreate -q $devs "$p1" "$p2"
lvmq vgcreate -q $devs -s 1M vgq "$p1" "$p2"
lvmq lvcreate -q $devs -an -Zn -L 3M -n root vgq "$p1"
lvmq lvcreate -q $devs -an -Zn -L 2M -n var-log vgq "$p2"
lvmq lvextend -q $devs -L +2M vgq/root "$p2"
lvmq lvcreate -q $devs -an -Zn -i 2 -I 64k -L 4M -n stripe vgq
# a volume made and removed: older metadata copies in the ring still name it
lvmq lvcreate -q $devs -an -Zn -L 1M -n gone vgq "$p1"
lvmq lvremove -q -f $devs vgq/gone
lvmq lvextend -q $devs -L +1M vgq/var-log "$p1"

# reports: /dev/loopN replaced by the partition it is
names() { sed -e "s#$p1#lvm.img:p1#g" -e "s#$p2#lvm.img:p2#g"; }
rep="--reportformat json --units b --nosuffix $devs"
pvs $rep -o pv_name,pv_uuid,vg_name,dev_size,pv_size,pe_start,pv_pe_count,pv_mda_count 2>/dev/null | names >"$out/lvm.img.pvs.json"
vgs $rep -o vg_name,vg_uuid,vg_extent_size,vg_extent_count,vg_seqno,pv_count,lv_count 2>/dev/null | names >"$out/lvm.img.vgs.json"
lvs $rep -o lv_name,lv_uuid,vg_name,lv_size 2>/dev/null | names >"$out/lvm.img.lvs.json"
lvs $rep --segments -o lv_name,seg_start_pe,seg_size_pe,segtype,stripes,stripe_size,seg_pe_ranges 2>/dev/null | names >"$out/lvm.img.segs.json"

# the LVs' bytes, read by dd from the PVs at the reported extents
pe_start() { pvs --noheadings --units b --nosuffix -o pe_start $devs "$1" 2>/dev/null | tr -d ' '; }
extent=1048576
pv_offset() { # loop device -> byte offset of its partition in lvm.img
  if [ "$1" = "$p1" ]; then part lvm.img 1 | cut -d' ' -f1; else part lvm.img 2 | cut -d' ' -f1; fi
}
lvsum() { # LV NAME: concatenates its segments into $work/lv, then sums it
  : >"$work/lv"
  lvs --noheadings --segments --separator '|' -o seg_start_pe,seg_size_pe,stripes,stripe_size,seg_pe_ranges \
      --units b --nosuffix $devs "vgq/$1" 2>/dev/null | sort -n | while IFS='|' read -r _ size stripes ssize ranges; do
    stripes=$(echo "$stripes" | tr -d ' ')
    ssize=$(echo "$ssize" | tr -d ' ')
    # the ranges "dev:first-last dev:first-last …", one per stripe
    i=0
    for r in $ranges; do
      dev=${r%%:*}; first=${r#*:}; first=${first%-*}
      eval "base_$i=\$((\$(pv_offset $dev) + \$(pe_start $dev) + $first * $extent))"
      i=$((i + 1))
    done
    size=$(echo "$size" | tr -d ' ')
    if [ "$stripes" -eq 1 ]; then
      dd if="$work/lvm.img" iflag=skip_bytes,count_bytes skip="$base_0" count=$((size * extent)) bs=64K status=none >>"$work/lv"
    else
      chunks=$((size * extent / ssize))
      k=0
      while [ "$k" -lt "$chunks" ]; do
        s=$((k % stripes)); row=$((k / stripes))
        eval "b=\$base_$s"
        dd if="$work/lvm.img" iflag=skip_bytes,count_bytes skip=$((b + row * ssize)) count="$ssize" bs=64K status=none >>"$work/lv"
        k=$((k + 1))
      done
    fi
  done
  echo "$(sha256sum <"$work/lv" | cut -d' ' -f1)  lvm.img vgq/$1 - $(stat -c %s "$work/lv")" >>"$sums"
}
for lv in root var-log stripe; do lvsum "$lv"; done
# the current metadata as lvm2 writes it out (vgcfgbackup), for review beside the reports
vgcfgbackup -q $devs -f "$work/vgq.vg" vgq 2>/dev/null
grep -v '^creation_time\|^# \|description' "$work/vgq.vg" | names >"$out/lvm.img.vgcfgbackup.txt"
for l in $loops; do losetup -d "$l"; done
loops=""

# ---- LVM2 on a bare disk (no partition table): PV at sector 0, VG vgbare
fill lvm-bare.img 8
d=$(loop lvm-bare.img 0 8388608); loops="$loops $d"
devs="--devices $d"
lvmq pvcreate -q $devs "$d"
lvmq vgcreate -q $devs -s 1M vgbare "$d"
lvmq lvcreate -q $devs -an -Zn -L 2M -n lv0 vgbare
lvmq lvcreate -q $devs -an -Zn -L 3M -n lv1 vgbare
rep="--reportformat json --units b --nosuffix $devs"
names() { sed -e "s#$d#lvm-bare.img#g"; }
pvs $rep -o pv_name,pv_uuid,vg_name,dev_size,pv_size,pe_start,pv_pe_count 2>/dev/null | names >"$out/lvm-bare.img.pvs.json"
lvs $rep --segments -o lv_name,lv_uuid,seg_start_pe,seg_size_pe,segtype,stripes,seg_pe_ranges 2>/dev/null | names >"$out/lvm-bare.img.segs.json"
pe=$(pvs --noheadings --units b --nosuffix -o pe_start $devs "$d" 2>/dev/null | tr -d ' ')
for lv in lv0 lv1; do
  r=$(lvs --noheadings -o seg_pe_ranges $devs "vgbare/$lv" 2>/dev/null | tr -d ' ')
  first=${r#*:}; first=${first%-*}; last=${r##*-}
  s=$(dd if="$work/lvm-bare.img" iflag=skip_bytes,count_bytes skip=$((pe + first * extent)) count=$(((last - first + 1) * extent)) bs=64K status=none | sha256sum | cut -d' ' -f1)
  echo "$s  lvm-bare.img vgbare/$lv - $(((last - first + 1) * extent))" >>"$sums"
done
losetup -d "$d"; loops=""

# ---- one VG across two disk images (bare PVs): an LV longer than either disk, and a striped one
fill lvm-a.img 8
fill lvm-b.img 8
da=$(loop lvm-a.img 0 8388608); loops="$loops $da"
db=$(loop lvm-b.img 0 8388608); loops="$loops $db"
devs="--devices $da --devices $db"
lvmq pvcreate -q $devs "$da"
# the second PV keeps two metadata areas (the other at its end)
lvmq pvcreate -q $devs --pvmetadatacopies 2 "$db"
lvmq vgcreate -q $devs -s 1M vgx "$da" "$db"
lvmq lvcreate -q $devs -an -Zn -i 2 -I 128k -L 2M -n wide vgx
lvmq lvcreate -q $devs -an -Zn -L 10M -n long vgx
rep="--reportformat json --units b --nosuffix $devs"
names() { sed -e "s#$da#lvm-a.img#g" -e "s#$db#lvm-b.img#g"; }
lvs $rep --segments -o lv_name,lv_size,seg_start_pe,seg_size_pe,segtype,stripes,stripe_size,seg_pe_ranges 2>/dev/null | names >"$out/lvm-ab.segs.json"
pvs $rep -o pv_name,pv_uuid,pe_start,pv_mda_count,pv_mda_size 2>/dev/null | names >"$out/lvm-ab.pvs.json"
# the LVs' bytes from the two images at the reported extents (as lvsum, per image)
pe_a=$(pvs --noheadings --units b --nosuffix -o pe_start $devs "$da" 2>/dev/null | tr -d ' ')
pe_b=$(pvs --noheadings --units b --nosuffix -o pe_start $devs "$db" 2>/dev/null | tr -d ' ')
for lv in long wide; do
  : >"$work/lv"
  lvs --noheadings --segments --separator '|' -o seg_start_pe,seg_size_pe,stripes,stripe_size,seg_pe_ranges \
      --units b --nosuffix $devs "vgx/$lv" 2>/dev/null | sort -n | while IFS='|' read -r _ size stripes ssize ranges; do
    size=$(echo "$size" | tr -d ' '); stripes=$(echo "$stripes" | tr -d ' '); ssize=$(echo "$ssize" | tr -d ' ')
    i=0
    for r in $ranges; do
      dev=${r%%:*}; first=${r#*:}; first=${first%-*}
      if [ "$dev" = "$da" ]; then img=lvm-a.img; pe=$pe_a; else img=lvm-b.img; pe=$pe_b; fi
      eval "img_$i=$img; base_$i=$((pe + first * extent))"
      i=$((i + 1))
    done
    if [ "$stripes" -eq 1 ]; then
      dd if="$work/$img_0" iflag=skip_bytes,count_bytes skip="$base_0" count=$((size * extent)) bs=64K status=none >>"$work/lv"
    else
      k=0
      while [ "$k" -lt $((size * extent / ssize)) ]; do
        s=$((k % stripes)); row=$((k / stripes))
        eval "b=\$base_$s; im=\$img_$s"
        dd if="$work/$im" iflag=skip_bytes,count_bytes skip=$((b + row * ssize)) count="$ssize" bs=64K status=none >>"$work/lv"
        k=$((k + 1))
      done
    fi
  done
  echo "$(sha256sum <"$work/lv" | cut -d' ' -f1)  lvm-ab vgx/$lv - $(stat -c %s "$work/lv")" >>"$sums"
done
losetup -d "$da"; losetup -d "$db"; loops=""

# ---- LVM2 whose newest metadata copy wraps around the end of its (32 KiB, the least lvm2 allows) ring buffer:
# each lvcreate writes a copy ~330 bytes longer after the last; the 12th runs past the area's end
fill lvm-wrap.img 8
d=$(loop lvm-wrap.img 0 8388608); loops="$loops $d"
devs="--devices $d"
lvmq pvcreate -q $devs --metadatasize 32k --dataalignment 4k "$d"
lvmq vgcreate -q $devs -s 256k vgwrap "$d"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do lvmq lvcreate -q $devs -an -Zn -L 256k -n "lv$i" vgwrap; done
rep="--reportformat json --units b --nosuffix $devs"
names() { sed -e "s#$d#lvm-wrap.img#g"; }
pvs $rep -o pv_name,pv_uuid,vg_name,pe_start,pv_mda_size 2>/dev/null | names >"$out/lvm-wrap.img.pvs.json"
vgs $rep -o vg_name,vg_seqno,lv_count 2>/dev/null | names >"$out/lvm-wrap.img.vgs.json"
lvs $rep --segments -o lv_name,lv_size,seg_pe_ranges 2>/dev/null | names >"$out/lvm-wrap.img.segs.json"
# the metadata area header as lvm2 left it (bytes 4096..4607 of the PV): its first raw location wraps
dd if="$d" bs=512 skip=8 count=1 status=none | od -A d -t x1 >"$out/lvm-wrap.img.mda-header.txt"
pe=$(pvs --noheadings --units b --nosuffix -o pe_start $devs "$d" 2>/dev/null | tr -d ' ')
for lv in lv1 lv12; do
  r=$(lvs --noheadings -o seg_pe_ranges $devs "vgwrap/$lv" 2>/dev/null | tr -d ' ')
  first=${r#*:}; first=${first%-*}
  s=$(dd if="$work/lvm-wrap.img" iflag=skip_bytes,count_bytes skip=$((pe + first * 262144)) count=262144 bs=64K status=none | sha256sum | cut -d' ' -f1)
  echo "$s  lvm-wrap.img vgwrap/$lv - 262144" >>"$sums"
done
losetup -d "$d"; loops=""

# ---- a bare filesystem: no partition table, no PV
truncate -s 4M "$work/bare-ext4.img"
mkfs.ext4 -q -F -U 0b0e0e0e-1919-4000-8000-000000000004 -L bare "$work/bare-ext4.img"
sum bare-ext4.img disk 0 4194304

# the partitions' sums, from sfdisk's layout (start and size in sectors)
for img in mbr.img gpt.img lvm.img; do
  layout "$img" | while read -r n start size; do
    sum "$img" "p$n" "$start" "$size"
  done
done

# what blkid finds on each partition and bare disk (the oracle for naming what a volume holds)
: >"$out/blkid.txt"
for img in mbr.img gpt.img lvm.img; do
  layout "$img" | while read -r n start size; do
    echo "$img p$n: $(blkid -p -O "$start" -S "$size" -o export "$work/$img" 2>/dev/null | grep -v '^DEVNAME=' | tr '\n' ' ')" >>"$out/blkid.txt"
  done
done
for img in lvm-bare.img lvm-wrap.img bare-ext4.img; do
  echo "$img disk: $(blkid -p -o export "$work/$img" 2>/dev/null | grep -v '^DEVNAME=' | tr '\n' ' ')" >>"$out/blkid.txt"
done

# the LVM disk inside a container: volumes read through qcow2 must give the same sums
qemu-img convert -f raw -O qcow2 "$work/lvm.img" "$work/lvm.qcow2"
gzip -9n <"$work/lvm.qcow2" >"$out/lvm.qcow2.gz"
qemu-img info --output=json "$work/lvm.qcow2" | sed "s#$work/##g" >"$out/lvm.qcow2.info.json"

for f in mbr.img gpt.img gpt4k.img lvm.img lvm-bare.img lvm-wrap.img lvm-a.img lvm-b.img bare-ext4.img; do gzip -9n <"$work/$f" >"$out/$f.gz"; done
ls -l "$out"
