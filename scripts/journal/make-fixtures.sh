#!/bin/bash
# Remake every journal fixture and its oracles (fixtures/journal/, the sample host's journal). Run as root on
# Debian 12 with systemd-journal-remote 252 installed (it needs unshare and mount for write-journal.sh):
#   scripts/journal/make-fixtures.sh [all|variants|tree|web01]
# systemd 254 (for XZ, LZ4 and the 272-byte header) is used unpacked, never installed: SD254 (default
# /tmp/sd254/root) holds `dpkg-deb -x` of systemd-journal-remote and libsystemd-shared 254 from bookworm-backports;
# when it is missing the script fetches them with apt-get download (the bookworm-backports source must be enabled).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$repo/fixtures/journal
what=${1:-all}
SD254=${SD254:-/tmp/sd254/root}
W252=/lib/systemd/systemd-journal-remote
W254=$SD254/lib/systemd/systemd-journal-remote
SATURN=b7d1c0a4e2f94c3a8e5d6f7a8b9c0d1e
DB01=d0b01c0a7a1e4e55a0b1c2d3e4f5a6b7
WEB01=5f1c9e2ab7d34c08a6e4d3b2c1f0e9d8
export TZ=UTC LC_ALL=C.UTF-8 SYSTEMD_COLORS=0 SYSTEMD_PAGER=cat

need254() {
  [ -x "$W254" ] && return
  local debs
  debs=$(mktemp -d)
  (cd "$debs" && apt-get download systemd-journal-remote/bookworm-backports libsystemd-shared/bookworm-backports systemd/bookworm-backports)
  mkdir -p "$SD254"
  for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$SD254"; done
  rm -rf "$debs"
}

jctl252() { journalctl "$@"; }
jctl254() { LD_LIBRARY_PATH=$SD254/usr/lib/x86_64-linux-gnu/systemd "$SD254/bin/journalctl" "$@"; }

work=$(mktemp -d /tmp/quarry-fixtures.XXXXXX)
trap 'rm -rf "$work"' EXIT
stream() { node "$here/write-stream.mjs" "$1" "$work/$1.export"; echo "$work/$1.export"; }

# The oracles of one file, made by the journalctl of the writer's version, in the file's directory (so that the
# header's "File path" is the bare name): F.json, F.export, F.verify.txt (output and exit status), F.header.txt.
oracles() {
  local jctl=$1 file=$2 dir base
  dir=$(dirname "$file") base=$(basename "$file")
  (
    cd "$dir"
    $jctl --file="$base" -o json --all --no-pager > "$base.json"
    $jctl --file="$base" -o export --all --no-pager > "$base.export"
    set +e
    $jctl --file="$base" --verify --no-pager > "$base.verify.txt" 2>&1
    echo "exit status: $?" >> "$base.verify.txt"
    set -e
    $jctl --file="$base" --header --no-pager > "$base.header.txt"
  )
}

# An oracle of several files at once (journalctl's interleaving): json lines, then the command that made it.
merged() {
  local jctl=$1 name=$2
  shift 2
  (cd "$out/tree" && $jctl "$@" -o json --all --no-pager) > "$out/tree-oracles/$name.json"
}

variants() {
  need254
  local v
  v=$(stream variety)
  rm -f "$out"/v25[24]-*
  mkdir -p "$out"
  "$here/write-journal.sh" $SATURN $W252 "$work/v252-default" v252-default.journal "$v"
  SYSTEMD_JOURNAL_COMPACT=0 "$here/write-journal.sh" $SATURN $W252 "$work/v252-nocompact" v252-nocompact.journal "$v"
  SYSTEMD_JOURNAL_KEYED_HASH=0 "$here/write-journal.sh" $SATURN $W252 "$work/v252-unkeyed" v252-unkeyed.journal "$v"
  SYSTEMD_JOURNAL_COMPACT=0 SYSTEMD_JOURNAL_KEYED_HASH=0 "$here/write-journal.sh" $SATURN $W252 "$work/v252-nocompact-unkeyed" v252-nocompact-unkeyed.journal "$v"
  SYSTEMD_JOURNAL_COMPRESS=XZ "$here/write-journal.sh" $SATURN "$W254" "$work/v254-xz" v254-xz.journal "$v"
  SYSTEMD_JOURNAL_COMPRESS=LZ4 "$here/write-journal.sh" $SATURN "$W254" "$work/v254-lz4" v254-lz4.journal "$v"
  "$here/write-journal.sh" $SATURN "$W254" "$work/v254-zstd" v254-zstd.journal "$v"
  for f in "$work"/v25?-*/*.journal; do
    cp "$f" "$out/"
    case "$(basename "$f")" in v252-*) oracles jctl252 "$out/$(basename "$f")" ;; *) oracles jctl254 "$out/$(basename "$f")" ;; esac
  done
}

tree() {
  local t=$out/tree m
  rm -rf "$t" "$out/tree-oracles" "$out/rotated" "$out/dirty"
  mkdir -p "$t/etc" "$out/tree-oracles" "$out/rotated" "$out/dirty"
  echo $SATURN > "$t/etc/machine-id"
  m=$t/var/log/journal/$SATURN
  # saturn's system journal: killed after boot 1 (→ system@….journal~), then boots 2 and 3 through rotations.
  "$here/write-journal.sh" $SATURN $W252 "$m" system.journal "kill:$(stream system-until-crash)" "$(stream system-after-crash)"
  "$here/write-journal.sh" $SATURN $W252 "$m" user-1000.journal "$(stream user-1000)"
  "$here/write-journal.sh" $SATURN $W252 "$t/var/log/journal/$SATURN.batch" system.journal "$(stream namespace-batch)"
  "$here/write-journal.sh" $DB01 $W252 "$t/var/log/journal/$DB01" system.journal "$(stream container)"
  "$here/write-journal.sh" $SATURN $W252 "$t/run/log/journal/$SATURN" system.journal "$(stream runtime)"
  chmod 0644 $(find "$t" -type f)
  # The rotated set and the dirty file also stand alone, with their oracles beside them.
  cp "$m"/system.journal "$m"/system@*.journal "$out/rotated/"
  cp "$m"/system@*.journal~ "$out/dirty/"
  for f in "$out"/rotated/*.journal "$out"/dirty/*.journal~; do oracles jctl252 "$f"; done
  # The tree's other files: oracles in tree-oracles/, by path.
  for f in "var/log/journal/$SATURN/user-1000.journal" "var/log/journal/$SATURN.batch/system.journal" "var/log/journal/$DB01/system.journal" "run/log/journal/$SATURN/system.journal"; do
    mkdir -p "$out/tree-oracles/$(dirname "$f")"
    cp "$t/$f" "$out/tree-oracles/$f"
    oracles jctl252 "$out/tree-oracles/$f"
    rm "$out/tree-oracles/$f"
  done
  # journalctl's interleaving across files: every field, for -D over each journal directory of the tree ...
  merged jctl252 dir.var-log-journal -D var/log/journal
  merged jctl252 "dir.var-log-journal.$SATURN.batch" -D "var/log/journal/$SATURN.batch"
  merged jctl252 dir.run-log-journal -D run/log/journal
  # ... and which files journalctl itself picks on a live system (local machine, -m, namespaces): the cursor,
  # clocks, boot and a few fields of each entry, in journalctl's order.
  "$here/live-oracles.sh" "$t" "$out/tree-oracles" default= merge=-m namespace-batch=--namespace=batch \
    namespace-all=--namespace=* namespace-all-merge="-m --namespace=*"
}

web01() {
  local dir=$repo/fixtures/hosts/web01/var/log/journal/$WEB01 f
  rm -rf "$repo/fixtures/hosts/web01/var/log/journal" "$out"/web01.*
  # Boots 1-2 end in a crash (the file stays online; boot 3's writer renames it system@….journal~); boots 3-4
  # were still being written when the image was taken (killed again: system.journal is ONLINE).
  "$here/write-journal.sh" $WEB01 $W252 "$dir" system.journal "kill:$(stream web01-until-crash)" "kill:$(stream web01-after-crash)"
  chmod 0644 "$dir"/*
  for f in "$dir"/*; do
    cp "$f" "$out/web01.$(basename "$f")"
    oracles jctl252 "$out/web01.$(basename "$f")"
    rm "$out/web01.$(basename "$f")"
  done
  (cd "$repo/fixtures/hosts/web01" && jctl252 -D "var/log/journal/$WEB01" -o json --all --no-pager) > "$out/web01.dir.json"
}

manifest() {
  W252_VERSION=$($W252 --version | sed -n '1s/^systemd //p') W254_VERSION=$(LD_LIBRARY_PATH=$SD254/usr/lib/x86_64-linux-gnu/systemd $W254 --version | sed -n '1s/^systemd //p') \
    node "$here/manifest.mjs" "$out"
}

case "$what" in
  all) variants; tree; web01; manifest ;;
  variants) variants; manifest ;;
  tree) tree; manifest ;;
  web01) web01; manifest ;;
  *) echo "usage: $0 [all|variants|tree|web01]" >&2; exit 2 ;;
esac
