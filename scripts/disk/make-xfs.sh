#!/bin/sh
# XFS fixture (docs/disks.md): a 72 MiB v5 filesystem (crc, finobt, sparse inodes, reflink, bigtime,
# ftype; 4 allocation groups of 4608 blocks, not a power of two, so inode and block numbers, which encode
# the AG in the bits above sb_agblklog, differ from linear block numbers) made by mkfs.xfs 6.1, mounted on a
# loop device and filled with every directory form, sparse, fragmented (B+tree extent map) and unwritten
# files, local and remote symlinks, a hard link, a fifo and a device node. Beside the gzipped image, the
# oracles: `find -printf` of the mounted tree (inode, type, mode, owner, links, size, times with nanoseconds,
# link target), sha256sum of every non-empty regular file, `ls -lniR`, and `xfs_db` prints of the
# superblock and of selected inodes (their di_format: local/extents/btree). Needs root, xfsprogs, gzip.
# mkfs.xfs refuses filesystems under 300 MB unless it believes it runs under fstests (TEST_DIR/TEST_DEV/
# QA_CHECK_FS set): the small size is only for the fixture. Run from the repository root.
set -eu
out=$(pwd)/fixtures/disk/fs/xfs
mkdir -p "$out"
work=$(mktemp -d)
mnt=$work/mnt
img=$work/xfs.img
# never rm -rf a mounted tree
cleanup() { cd /; if mountpoint -q "$mnt"; then umount "$mnt"; fi; mountpoint -q "$mnt" || rm -rf "$work"; }
trap cleanup EXIT
mkdir "$mnt"
truncate -s 72M "$img"
TEST_DIR=/tmp TEST_DEV=/dev/null QA_CHECK_FS=1 mkfs.xfs -q -f -L quarryxfs \
  -m uuid=5e1f0c2a-9b7d-4c3e-8a11-0123456789ab -d agcount=4 "$img"
mount -o loop "$img" "$mnt"
cd "$mnt"

# plain files with known contents
mkdir -p etc var/log
printf 'xfshost\n' >etc/hostname
yes 'root:x:0:0:root:/root:/bin/bash' | head -n 40 >etc/passwd
printf '' >var/log/empty
# a file of 300 KiB of seeded pseudo-random bytes (several blocks, one extent)
openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f -iv 0 -nosalt </dev/zero 2>/dev/null \
  | head -c 307201 >var/log/random.bin

# nested directories
mkdir -p a/b/c/d/e
printf 'deep\n' >a/b/c/d/e/leaf.txt

# shortform directory: a few short names (fits in the inode's literal area)
mkdir short
for n in one two three; do printf '%s\n' "$n" >short/$n; done
mkdir short/sub

# block directory: too many for shortform, few enough for one directory block
mkdir blockdir
i=0; while [ $i -lt 60 ]; do printf 'b%d\n' $i >blockdir/entry-name-$i; i=$((i+1)); done

# leaf directory: several data blocks, one leaf block
mkdir leafdir
i=0; while [ $i -lt 400 ]; do : >leafdir/leaf-entry-with-a-longer-name-$i; i=$((i+1)); done

# node directory: thousands of entries (several leaf blocks, a node block); some removed afterwards so the
# data blocks hold unused (free) entries that a reader must skip
mkdir nodedir
i=0; while [ $i -lt 5000 ]; do : >nodedir/node-entry-$i.dat; i=$((i+1)); done
i=0; while [ $i -lt 5000 ]; do rm nodedir/node-entry-$i.dat; i=$((i+97)); done
mkdir nodedir/subdir-in-node

# sparse file: 16 MiB long, data at three places, holes elsewhere
xfs_io -f -c 'pwrite -S 0x41 0 4096' -c 'pwrite -S 0x42 5m 10000' -c 'pwrite -S 0x43 16777200 16' sparse.bin >/dev/null
# fragmented file: 300 single-block extents separated by holes (more than the inode's literal area can list,
# so the extent map becomes a B+tree)
cmd=''
i=0; while [ $i -lt 300 ]; do cmd="$cmd -c 'pwrite -S $((i % 200 + 16)) $((i * 8192)) 4096'"; i=$((i+1)); done
eval xfs_io -f -d $cmd fragmented.bin >/dev/null
# unwritten extents: 1 MiB preallocated, 8 KiB written in the middle; the rest reads as zeros
xfs_io -f -c 'falloc 0 1m' -c 'pwrite -S 0x55 300k 8k' -c 'fsync' unwritten.bin >/dev/null

# links and special files
ln -s etc/hostname link-local
long=$(printf 'long/%s' $(seq 1 120) | head -c 700)
ln -s "$long" link-remote
ln etc/passwd hardlink-passwd
mkfifo fifo
mknod chardev c 1 3

# owners, modes, times (before 1970 and after 2038: bigtime)
chown 1000:1001 etc/hostname
chmod 4750 etc/hostname
touch -h -d '2001-02-03 04:05:06.123456789 UTC' etc/passwd
touch -d '1960-05-06 07:08:09.5 UTC' short/one
touch -d '2100-01-02 03:04:05.000000007 UTC' short/two
chmod 1777 a
cd /
sync
umount "$mnt"
mount -o loop,ro "$img" "$mnt"
cd "$mnt"
# oracles of the mounted tree
find . -printf '%i\t%y\t%m\t%U\t%G\t%n\t%s\t%T@\t%A@\t%C@\t%p\t%l\n' | LC_ALL=C sort -t "$(printf '\t')" -k11 \
  >"$out/find.tsv"
find . -type f -size +0 -print0 | LC_ALL=C sort -z | xargs -0 sha256sum >"$out/sha256sum.txt"
# (the many empty files of leafdir and nodedir are in find.tsv; ls shows the rest)
ls -lniR --time-style=full-iso --ignore=leafdir --ignore=nodedir . >"$out/ls-lniR.txt"
cd /
umount "$mnt"
xfs_db -r -c 'sb 0' -c print "$img" >"$out/xfs_db-sb.txt"
: >"$out/xfs_db-inodes.txt"
for p in . ./etc/hostname ./short ./blockdir ./leafdir ./nodedir ./sparse.bin ./fragmented.bin ./unwritten.bin \
  ./link-local ./link-remote ./fifo ./chardev; do
  ino=$(awk -F '\t' -v p="$p" '$11 == p {print $1}' "$out/find.tsv")
  { echo "== $p inode $ino"; xfs_db -r -c "inode $ino" -c print "$img"; } >>"$out/xfs_db-inodes.txt"
  { echo "== $p inode $ino bmap"; xfs_db -r -c "inode $ino" -c "bmap" "$img"; } >>"$out/xfs_db-inodes.txt"
done
gzip -9 -n -c "$img" >"$out/xfs.img.gz"

# A v4 filesystem (no CRCs, version 2 inodes of 256 bytes, no ftype, 8 KiB directory blocks), as RHEL 5-7
# made them. This kernel refuses to mount v4, so mkfs.xfs fills it from a protofile (-p) and xfs_db is the
# oracle of its names and inodes; the file contents are the staged source files, hashed.
v4=$out/v4
mkdir -p "$v4"
src=$work/v4src
mkdir -p "$src"
printf 'xfsv4host\n' >"$src/hostname"
yes 'root:x:0:0:root:/root:/bin/sh' | head -n 40 >"$src/passwd"
openssl enc -aes-128-ctr -K 0f0e0d0c0b0a09080706050403020100 -iv 0 -nosalt </dev/zero 2>/dev/null \
  | head -c 300001 >"$src/random.bin"
printf 'deep\n' >"$src/leaf.txt"
: >"$src/empty"
long=$(printf 'v4/%s' $(seq 1 150) | head -c 600)
{
  echo quarry-xfs-v4; echo '0 0'; echo 'd--755 0 0'
  echo 'etc d--755 0 0'
  echo "hostname -u-750 1000 1001 $src/hostname"
  echo "passwd ---644 0 0 $src/passwd"
  echo '$'
  echo "random.bin ---600 0 0 $src/random.bin"
  echo 'a d--1777 0 0'; echo 'b d--755 0 0'; echo 'c d--755 0 0'; echo "leaf.txt ---644 0 0 $src/leaf.txt"
  echo '$'; echo '$'; echo '$'
  echo 'short d--755 0 0'; for n in one two three; do echo "$n ---644 0 0 $src/empty"; done; echo '$'
  echo 'blockdir d--755 0 0'; for i in $(seq 0 99); do echo "entry-name-$i ---644 0 0 $src/empty"; done; echo '$'
  echo 'leafdir d--755 0 0'; for i in $(seq 0 599); do echo "leaf-entry-with-a-longer-name-$i ---644 0 0 $src/empty"; done; echo '$'
  echo 'nodedir d--755 0 0'; for i in $(seq 0 2999); do echo "node-entry-$i.dat ---644 0 0 $src/empty"; done; echo '$'
  echo 'link-local l--777 0 0 etc/hostname'
  echo "link-remote l--777 0 0 $long"
  echo 'fifo p--600 0 0'
  echo 'chardev c--600 0 0 1 3'
  echo '$'
} >"$work/proto"
sed "s|$src/|SRC/|" "$work/proto" >"$v4/proto"
truncate -s 40M "$work/v4.img"
TEST_DIR=/tmp TEST_DEV=/dev/null QA_CHECK_FS=1 mkfs.xfs -q -f -L quarryv4 -m crc=0,uuid=0b4a9c7e-1d2f-4e3a-9b8c-7d6e5f4a3b2c \
  -n ftype=0,size=8192 -i size=256 -d agcount=2 -p "$work/proto" "$work/v4.img" 2>&1 | grep -v deprecated || true
(cd "$src" && sha256sum hostname passwd random.bin leaf.txt) >"$v4/sha256sum.txt"
xfs_db -r -c 'sb 0' -c print "$work/v4.img" >"$v4/xfs_db-sb.txt"
ls_cmds=''
for d in / /etc /a /a/b /a/b/c /short /blockdir /leafdir /nodedir; do ls_cmds="$ls_cmds -c 'ls $d'"; done
eval xfs_db -r $ls_cmds '"$work/v4.img"' >"$v4/xfs_db-ls.txt"
: >"$v4/xfs_db-inodes.txt"
for p in / /etc/hostname /etc/passwd /random.bin /a /a/b/c/leaf.txt /short /blockdir /leafdir /nodedir /link-local \
  /link-remote /fifo /chardev; do
  { echo "== $p"; xfs_db -r -c "path $p" -c print "$work/v4.img"; } >>"$v4/xfs_db-inodes.txt"
done
gzip -9 -n -c "$work/v4.img" >"$v4/xfs-v4.img.gz"
ls -l "$out" "$v4"
