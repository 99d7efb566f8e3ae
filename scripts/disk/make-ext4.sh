#!/bin/sh
# ext2/3/4 fixtures (docs/disks.md): small images made by mke2fs, filled through the kernel's own ext4 driver
# (mount -o loop), so allocation, htree indexing, extent trees, inline data and timestamps are the kernel's.
# Beside each gzipped image, the oracles (never computed by quarry):
#   NAME.find.tsv      find -printf over the mounted tree: path, type, mode, uid, gid, size, nlink, inode,
#                      atime, mtime, ctime (seconds.nanoseconds), link target
#   NAME.sha256        sha256sum of every regular file, read through the kernel
#   NAME.ranges.txt    "path offset length sha256" of ranges of files too big to hash whole in a test
#   NAME.debugfs-ls.txt   debugfs -R 'ls -p DIR' for every directory (inode/mode/uid/gid/name/size)
#   NAME.debugfs-stat.txt debugfs -R 'stat PATH' for chosen inodes (extent tree or block map, crtime, extra bits)
#   NAME.dumpe2fs.txt  dumpe2fs -h (superblock: UUID, label, features, block and inode counts)
# Needs e2fsprogs, util-linux (mount, losetup), coreutils, findutils, python3, gzip; run as root from the repo root.
set -eu
out=fixtures/disk/fs/ext4
work=$(mktemp -d)
mnt=$work/mnt
xattrs=yes
mkdir -p "$out" "$mnt"
trap 'umount "$mnt" 2>/dev/null || true; rm -rf "$work"' EXIT

# Text whose every 4 KiB block names itself: a mis-mapped block shows up in the hash.
blocks() { # count tag
  i=0
  while [ "$i" -lt "$1" ]; do
    printf '%s block %06d ' "$2" "$i" | head -c 24
    head -c 4072 /dev/zero | tr '\0' "$(printf '\\%03o' $((65 + i % 26)))"
    i=$((i + 1))
  done
}

common_tree() { # dir
  d=$1
  printf 'hello, ext4\n' >"$d/hello.txt"
  mkdir -p "$d/a/b/c"
  printf 'deep file\n' >"$d/a/b/c/deep.txt"
  printf 'in a\n' >"$d/a/one.txt"
  : >"$d/empty"
  # a directory big enough for an htree index (several blocks of entries)
  mkdir "$d/many"
  i=0
  while [ "$i" -lt 300 ]; do
    printf 'entry %d\n' "$i" >"$d/many/entry-with-a-longer-name-$(printf '%03d' "$i")"
    i=$((i + 1))
  done
  # a sparse file: data at 0, in the middle and at the end; holes between
  truncate -s 10M "$d/sparse.bin"
  printf 'start of sparse\n' | dd of="$d/sparse.bin" conv=notrunc status=none
  blocks 3 mid | dd of="$d/sparse.bin" bs=4096 seek=1200 conv=notrunc status=none
  printf 'end of sparse' | dd of="$d/sparse.bin" bs=1 seek=$((10 * 1048576 - 13)) conv=notrunc status=none
  # a file of many extents: one written block, one hole, 500 times (an extent tree of depth >= 1)
  i=0
  while [ "$i" -lt 500 ]; do
    printf 'frag %05d ' "$i" | dd of="$d/frag.bin" bs=4096 seek=$((2 * i)) conv=notrunc status=none
    i=$((i + 1))
  done
  # a contiguous multi-block file
  blocks 40 seq >"$d/seq.bin"
  # symlinks: fast (target in i_block, < 60 bytes) and slow (target in a data block)
  ln -s hello.txt "$d/fast-link"
  ln -s "a/b/c/$(printf 'x%.0s' $(seq 1 100))/../deep.txt" "$d/slow-link"
  ln -s /etc/passwd "$d/abs-link"
  # a fast symlink that owns an extended attribute block (i_blocks is not zero, i_file_acl is set)
  # (not on the revision 0 image: adding an xattr makes the kernel raise it to revision 1)
  ln -s hello.txt "$d/xattr-link"
  [ "$xattrs" = no ] || python3 -c 'import os,sys; os.setxattr(sys.argv[1], "trusted.quarry", b"v" * 300, follow_symlinks=False)' "$d/xattr-link"
  ln "$d/hello.txt" "$d/hard-link"
  mkfifo "$d/fifo"
  mknod "$d/null-dev" c 1 3
  mknod "$d/loop-dev" b 7 0
  python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$d/sock"
  # owners past 16 bits (i_uid_high, i_gid_high), odd permissions
  printf 'owned\n' >"$d/owned"
  chown 100123:200456 "$d/owned"
  chmod 4751 "$d/owned"
  # timestamps with nanoseconds; past 2038 and before 1970 (the extra epoch bits)
  printf 'times\n' >"$d/times"
  touch -m -d '2001-02-03 04:05:06.123456789 UTC' "$d/times"
  touch -a -d '2100-07-08 09:10:11.987654321 UTC' "$d/times"
  printf 'old\n' >"$d/old"
  touch -d '1960-01-02 03:04:05.5 UTC' "$d/old"
  printf 'future\n' >"$d/future"
  touch -d '2446-05-10 22:38:55.75 UTC' "$d/future"
}

oracles() { # name image
  name=$1; img=$2
  # mounted again read-only: the kernel's view is then what is on disk (not inodes cached in memory), and the
  # oracle passes below cannot change the atimes they report
  umount "$mnt"
  mount -o loop,ro "$img" "$mnt"
  (cd "$mnt" && find . -printf '%p\t%y\t%#m\t%U\t%G\t%s\t%n\t%i\t%A@\t%T@\t%C@\t%l\n' | LC_ALL=C sort) >"$out/$name.find.tsv"
  (cd "$mnt" && find . -type f ! -name 'big-*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) >"$out/$name.sha256"
  : >"$out/$name.ranges.txt"
  for f in $(cd "$mnt" && find . -type f -name 'big-*'); do
    size=$(stat -c %s "$mnt/$f")
    for r in "0 65536" "$((size - 70000)) 70000" "$((4 * 1073741824 - 4096)) 12288"; do
      set -- $r
      sum=$(tail -c +$(($1 + 1)) "$mnt/$f" | head -c "$2" | sha256sum | cut -d' ' -f1)
      echo "$f $1 $2 $sum" >>"$out/$name.ranges.txt"
    done
  done
  dirs=$(cd "$mnt" && find . -type d | LC_ALL=C sort)
  umount "$mnt"
  : >"$out/$name.debugfs-ls.txt"
  for dir in $dirs; do
    p=${dir#.}; [ -n "$p" ] || p=/
    printf '== %s\n' "$p" >>"$out/$name.debugfs-ls.txt"
    debugfs -R "ls -p $p" "$img" 2>/dev/null >>"$out/$name.debugfs-ls.txt"
  done
  : >"$out/$name.debugfs-stat.txt"
  for p in / /many /hello.txt /sparse.bin /frag.bin /seq.bin /fast-link /slow-link /owned /times /old /future \
      /big-sparse.bin /prealloc.bin /blockmap.bin /small-dir /inline-100 /xattr-link; do
    debugfs -R "stat $p" "$img" 2>&1 | grep -q "File not found" && continue
    printf '== %s\n' "$p" >>"$out/$name.debugfs-stat.txt"
    debugfs -R "stat $p" "$img" 2>/dev/null >>"$out/$name.debugfs-stat.txt"
  done
  dumpe2fs -h "$img" 2>/dev/null >"$out/$name.dumpe2fs.txt"
  gzip -9n <"$img" >"$out/$name.img.gz"
}

make() { # name size mke2fs-args...
  name=$1; size=$2; shift 2
  img=$work/$name.img
  truncate -s "$size" "$img"
  mke2fs -q -F "$@" "$img"
  mount -o loop "$img" "$mnt"
  common_tree "$mnt"
}

# ext4: 4 KiB blocks, 64bit (64-byte group descriptors), flex_bg, 1024 blocks per group (four groups),
# a journal, 256-byte inodes; a file past 4 GiB, an unwritten (fallocated) range.
make ext4 16M -t ext4 -b 4096 -g 1024 -N 1024 -L quarry-ext4 -U 6c0b1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3
truncate -s $((5 * 1073741824 + 100)) "$mnt/big-sparse.bin"
blocks 3 big | dd of="$mnt/big-sparse.bin" bs=4096 seek=$((1048576 - 1)) conv=notrunc status=none
printf 'tail of the big file\n' | dd of="$mnt/big-sparse.bin" bs=1 seek=$((5 * 1073741824 + 100 - 21)) conv=notrunc status=none
fallocate -l 1M "$mnt/prealloc.bin"
printf 'written inside a preallocated range\n' | dd of="$mnt/prealloc.bin" bs=4096 seek=100 conv=notrunc status=none
sync
# Stale bytes in the unwritten extents' blocks (as a reused disk has): the kernel still reads them as zeros.
umount "$mnt"
for r in $(debugfs -R 'stat /prealloc.bin' "$work/ext4.img" 2>/dev/null | grep -o '([0-9-]*\[u\]):[0-9-]*' | sed 's/.*://'); do
  first=${r%-*}; last=${r#*-}
  yes 'STALE BYTES OF AN UNWRITTEN EXTENT' | head -c $(((last - first + 1) * 4096)) \
    | dd of="$work/ext4.img" bs=4096 seek="$first" conv=notrunc status=none
done
mount -o loop "$work/ext4.img" "$mnt"
oracles ext4 "$work/ext4.img"

# ext2: 1 KiB blocks, block maps (direct, indirect, double and triple indirect), 32-byte descriptors,
# 128-byte inodes (no nanoseconds, no extra epoch bits), 2048 blocks per group (eight groups).
make ext2 16M -t ext2 -b 1024 -g 2048 -N 1024 -I 128 -L quarry-ext2 -U 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
# 1 KiB blocks: direct to 12 KiB, single indirect to 268 KiB, double to 65804 KiB, triple beyond
truncate -s 80M "$mnt/blockmap.bin"
for kib in 0 5 100 200 5000 40000 65900 70000 81000; do
  printf 'blockmap data at KiB %d\n' "$kib" | dd of="$mnt/blockmap.bin" bs=1024 seek="$kib" conv=notrunc status=none
done
sync
oracles ext2 "$work/ext2.img"

# ext3: a journal, no extents; 4 KiB blocks.
make ext3 16M -t ext3 -b 4096 -N 1024 -L quarry-ext3 -U 11223344-5566-4778-899a-abbccddeeff0
sync
oracles ext3 "$work/ext3.img"

# ext4 with inline data: small files and directories live in the inode (i_block and the system.data xattr).
make inline 8M -t ext4 -b 4096 -O inline_data,^has_journal -N 1024 -L quarry-inline -U 99887766-5544-4332-a110-ffeeddccbbaa
mkdir "$mnt/small-dir"
printf 'tiny\n' >"$mnt/small-dir/tiny"
head -c 100 /dev/zero | tr '\0' 'i' >"$mnt/inline-100"
sync
oracles inline "$work/inline.img"
# ext4 with meta_bg: descriptors live in each meta group (16 groups of 1 KiB blocks with 64-byte descriptors),
# not in one table after the superblock; 32 groups make two meta groups.
make metabg 32M -t ext4 -b 1024 -g 1024 -N 2048 -O meta_bg,^resize_inode -L quarry-metabg -U 5a5b5c5d-6e6f-4071-8283-949596979899
sync
oracles metabg "$work/metabg.img"

# revision 0 (the original layout): 128-byte inodes, no features at all, so no file_type in directory
# entries (the reader takes each entry's type from its inode).
xattrs=no
make rev0 16M -t ext2 -r 0 -b 1024 -N 1024 -U 0a0b0c0d-1e1f-4021-8233-445566778899
sync
oracles rev0 "$work/rev0.img"
xattrs=yes
# ext4 with bigalloc: 4 KiB blocks allocated in 16 KiB clusters (extents still count blocks).
make bigalloc 16M -t ext4 -b 4096 -C 16384 -O bigalloc,^has_journal -N 1024 -L quarry-bigalloc -U 7b7c7d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d
sync
oracles bigalloc "$work/bigalloc.img"
ls -l "$out"
