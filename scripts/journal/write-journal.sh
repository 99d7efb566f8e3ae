#!/bin/bash
# Write journal files with systemd's own writer, systemd-journal-remote, in a private mount namespace:
#   write-journal.sh MACHINE_ID WRITER DEST NAME STEP...        (as root; make-fixtures.sh calls it)
# The output NAME is written on a fresh 8 MiB tmpfs, so the writer's default metrics (10 % of the file system)
# give it the smallest file it makes (JOURNAL_FILE_SIZE_MIN, 512 KiB) and the smallest hash tables; /etc/machine-id
# is bind-mounted to MACHINE_ID, which the writer copies into the file header. Each STEP is one writer run:
#   FILE.export          feed the stream, let the writer finish (files it rotates are archived by its own code)
#   kill:FILE.export     feed the stream, wait until every entry is in the file, SIGKILL the writer: the file
#                        stays ONLINE, and the next run renames it NAME@….journal~ as journald does
# Every file left on the tmpfs is copied to DEST. Extra environment (SYSTEMD_JOURNAL_*) reaches the writer.
set -euo pipefail
if [ -z "${QUARRY_JOURNAL_NS:-}" ]; then
  exec env QUARRY_JOURNAL_NS=1 unshare --mount --propagation private "$0" "$@"
fi
machine_id=$1 writer=$2 dest=$3 name=$4
shift 4
work=$(mktemp -d /tmp/quarry-journal.XXXXXX)
mkdir "$work/fs"
mount -t tmpfs -o size=8m tmpfs "$work/fs"
echo "$machine_id" > "$work/machine-id"
mount --bind "$work/machine-id" /etc/machine-id
out="$work/fs/$name"
# The writer's library directory (a 254 unpacked beside its binary) for it and for the entry count check.
libdir=$(dirname "$(dirname "$(dirname "$writer")")")/usr/lib/x86_64-linux-gnu/systemd
jctl=journalctl
if [ -d "$libdir" ] && [ "$(dirname "$(dirname "$(dirname "$writer")")")" != "/" ]; then
  export LD_LIBRARY_PATH=$libdir
  jctl=$(dirname "$(dirname "$(dirname "$writer")")")/bin/journalctl
fi
for step in "$@"; do
  case "$step" in
    kill:*)
      stream=${step#kill:}
      want=$(cat "$stream.count")
      mkfifo "$work/pipe"
      "$writer" --output="$out" - < "$work/pipe" 2> "$work/writer.log" &
      wpid=$!
      exec 3> "$work/pipe"
      cat "$stream" >&3
      for _ in $(seq 100); do
        n=$("$jctl" --file="$out" --header 2>/dev/null | sed -n 's/^Entry objects: //p' || true)
        [ "${n:-0}" = "$want" ] && break
        sleep 0.1
      done
      [ "${n:-0}" = "$want" ] || { echo "writer holds ${n:-0} of $want entries" >&2; exit 1; }
      kill -KILL "$wpid"
      wait "$wpid" 2>/dev/null || true
      exec 3>&-
      rm "$work/pipe"
      ;;
    *)
      "$writer" --output="$out" "$step" 2>> "$work/writer.log"
      ;;
  esac
done
grep -v -e 'Binary field with zero length' -e '^Finishing after' "$work/writer.log" >&2 || true
mkdir -p "$dest"
cp -p "$work/fs/"* "$dest/"
umount "$work/fs" /etc/machine-id
rm -rf "$work"
