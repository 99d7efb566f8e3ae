#!/bin/sh
# Container fixtures (docs/disks.md): one 8 MiB raw disk with distinctive data and holes, converted by
# qemu-img to every container format the reader supports. Beside each image: `qemu-img info --output=json` and
# the SHA-256 of `qemu-img convert -O raw` of it (the oracle; never computed by quarry). Images are gzipped.
# Needs qemu-utils, openssl, gzip. Run from the repository root.
set -eu
out=fixtures/disk/container
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
raw=$work/disk.raw

# 8 MiB: text at 0, a seeded pseudo-random 192 KiB run at 3 MiB (not cluster aligned at its end),
# text at an odd offset in the 6th MiB, a few bytes in the last sector; the rest are holes.
truncate -s 8M "$raw"
yes 'quarry container fixture: sector data 0123456789abcdef' | head -c 1200000 | dd of="$raw" conv=notrunc status=none
openssl enc -aes-128-ctr -K 00112233445566778899aabbccddeeff -iv 0 -nosalt </dev/zero 2>/dev/null | head -c 196608 \
  | dd of="$raw" bs=1 seek=3145728 conv=notrunc status=none
yes 'odd offset line' | head -c 70001 | dd of="$raw" bs=1 seek=5243001 conv=notrunc status=none
printf 'LAST-SECTOR' | dd of="$raw" bs=1 seek=8388000 conv=notrunc status=none

mk() { # name format [options...]
  name=$1; fmt=$2; shift 2
  qemu-img convert -f raw -O "$fmt" "$@" "$raw" "$work/$name"
}
mk disk.qcow2 qcow2
mk disk-c.qcow2 qcow2 -c
mk disk-v2.qcow2 qcow2 -o compat=0.10
mk disk-c-v2.qcow2 qcow2 -c -o compat=0.10
mk disk-zstd.qcow2 qcow2 -c -o compression_type=zstd
mk disk-64k.vmdk vmdk -o subformat=monolithicSparse
mk disk-stream.vmdk vmdk -o subformat=streamOptimized
mk disk-flat.vmdk vmdk -o subformat=monolithicFlat
mk disk-dyn.vhd vpc
mk disk-fixed.vhd vpc -o subformat=fixed
mk disk.vhdx vhdx
mk disk-fixed.vhdx vhdx -o subformat=fixed
mk disk-4k.qcow2 qcow2 -o cluster_size=4096
mk disk-2m.qcow2 qcow2 -c -o cluster_size=2M
mk disk-split.vmdk vmdk -o subformat=twoGbMaxExtentSparse
# a qcow2 with an internal snapshot, written to after it: the active L1 is the disk, not the snapshot's
cp "$work/disk.qcow2" "$work/disk-snap.qcow2"
qemu-img snapshot -c before "$work/disk-snap.qcow2"
qemu-io -f qcow2 -c 'write -P 0xab 1048576 65536' -c 'write -z 3145728 131072' "$work/disk-snap.qcow2" >/dev/null
# a qcow2 with an external backing file, to check the refusal
qemu-img create -f qcow2 -F qcow2 -b disk.qcow2 "$work/disk-backed.qcow2" >/dev/null
# a VMDK snapshot delta: a sparse file whose embedded descriptor names its parent
qemu-img create -f vmdk -F vmdk -b disk-64k.vmdk "$work/disk-backed.vmdk" >/dev/null

rm -f "$out"/*.gz "$out"/*.json "$out"/*.sha256 "$out"/*.vmdk
cp "$raw" "$work/disk.raw.keep"
: >"$out/oracle.sha256"
for f in disk.raw disk.qcow2 disk-c.qcow2 disk-v2.qcow2 disk-c-v2.qcow2 disk-zstd.qcow2 disk-64k.vmdk \
    disk-stream.vmdk disk-flat.vmdk disk-dyn.vhd disk-fixed.vhd disk.vhdx disk-fixed.vhdx disk-4k.qcow2 \
    disk-2m.qcow2 disk-split.vmdk disk-snap.qcow2; do
  case $f in *.raw) fmt=raw;; *.qcow2) fmt=qcow2;; *.vmdk) fmt=vmdk;; *.vhd) fmt=vpc;; *.vhdx) fmt=vhdx;; esac
  # explicit -f: qemu probes a fixed VHD (footer only, at the end) as raw
  qemu-img info -f "$fmt" --output=json "$work/$f" | sed "s#$work/##g" >"$out/$f.info.json"
  qemu-img convert -f "$fmt" -O raw "$work/$f" "$work/out.raw"
  echo "$(sha256sum <"$work/out.raw" | cut -d' ' -f1)  $f" >>"$out/oracle.sha256"
done
qemu-img info --output=json "$work/disk-backed.qcow2" | sed "s#$work/##g" >"$out/disk-backed.qcow2.info.json"
# monolithicFlat: the descriptor is text (committed as is), the flat extent is gzipped
cp "$work/disk-flat.vmdk" "$out/disk-flat.vmdk"
cp "$work/disk-split.vmdk" "$out/disk-split.vmdk"
for f in disk.raw disk.qcow2 disk-c.qcow2 disk-v2.qcow2 disk-c-v2.qcow2 disk-zstd.qcow2 disk-64k.vmdk \
    disk-stream.vmdk disk-flat-flat.vmdk disk-dyn.vhd disk-fixed.vhd disk.vhdx disk-backed.qcow2 \
    disk-fixed.vhdx disk-4k.qcow2 disk-2m.qcow2 disk-split-s001.vmdk disk-snap.qcow2 disk-backed.vmdk; do
  gzip -9n <"$work/$f" >"$out/$f.gz"
done

# A 4.5 GiB sparse disk: past one VHDX chunk (4 GiB at 1 MiB blocks and 512-byte sectors), so the BAT's
# interleaved sector-bitmap entry is crossed; several L1 entries, grain directory entries and BAT entries.
# Its oracle is the SHA-256 of ranges of `qemu-img convert -O raw` (reading 4.5 GiB in a test would be slow).
big=$work/big.raw
truncate -s 4608M "$big"
yes 'big disk head' | head -c 65536 | dd of="$big" conv=notrunc status=none
openssl enc -aes-128-ctr -K 8899aabbccddeeff0011223344556677 -iv 0 -nosalt </dev/zero 2>/dev/null | head -c 524288 \
  | dd of="$big" bs=1K seek=$((4096 * 1024 - 256)) conv=notrunc status=none
printf 'END OF BIG DISK' | dd of="$big" bs=1 seek=$((4608 * 1048576 - 15)) conv=notrunc status=none
qemu-img convert -f raw -O vhdx -o block_size=1M "$big" "$work/big.vhdx"
qemu-img convert -f raw -O qcow2 "$big" "$work/big.qcow2"
qemu-img convert -f raw -O vpc -o force_size=on "$big" "$work/big.vhd"
qemu-img convert -f raw -O vmdk "$big" "$work/big.vmdk"
: >"$out/oracle-big.txt"
for f in big.vhdx big.qcow2 big.vhd big.vmdk; do
  case $f in *.qcow2) fmt=qcow2;; *.vmdk) fmt=vmdk;; *.vhd) fmt=vpc;; *.vhdx) fmt=vhdx;; esac
  qemu-img info -f "$fmt" --output=json "$work/$f" | sed "s#$work/##g" >"$out/$f.info.json"
  qemu-img convert -f "$fmt" -O raw "$work/$f" "$work/out.raw"
  # ranges in MiB: the head, across the 4 GiB chunk boundary, the last MiB
  for r in "0 1" "4093 5" "4607 1"; do
    set -- $r
    sum=$(dd if="$work/out.raw" bs=1M skip="$1" count="$2" status=none | sha256sum | cut -d' ' -f1)
    echo "$f $(($1 * 1048576)) $(($2 * 1048576)) $sum" >>"$out/oracle-big.txt"
  done
  rm -f "$work/out.raw"
  gzip -9n <"$work/$f" >"$out/$f.gz"
done
ls -l "$out"
