#!/bin/bash
# Records the sample host's atop raw log, fixtures/hosts/web01/var/log/atop/atop_YYYYMMDD (the day it is recorded),
# and its oracle fixtures/hosts/web01.atop.parseable.txt.gz (`TZ=UTC atop -r FILE -P PRG,PRC,PRM,PRD,PRN,CPU,cpu,
# MEM,SWP,DSK,NET`, gzip -9n, the labels test/plugins/os/unix/log/atop/oracle.test.ts compares; kept beside the
# tree, not in it, so it is no part of the target).
#
# How: Debian 12's atop 2.8.1 (`apt-get install atop`; run as root) writes 6 samples 10 s apart
# (`/usr/bin/atop -w /var/log/atop/atop_YYYYMMDD 10 6`, the first since boot) inside a fresh PID, mount and UTS
# namespace (`unshare --pid --fork --mount-proc --mount --uts`, hostname web01) with an empty environment
# (`env -i PATH=… HOME=/root`), so atop sees only the namespace's processes; the system counters (CPU, memory,
# disks, interfaces) are the recording machine's, as they are kernel-wide. The workload is a stand-in for a web
# host, not the real daemons: PID 1 and the long-lived processes are copies of /bin/bash and /bin/cat (bind-mounted
# on /usr/local/sbin in the namespace) named and given command lines as Debian's daemons show them (`exec -a`),
# each blocked reading a FIFO; nginx and php-fpm workers run as www-data (33), alice's ssh session as alice (1000).
# A /bin/sh loop writes access-log text under /tmp (a scratch directory on disk, bind-mounted on /tmp) and
# gzips it, every ~3 s; its yes/head/gzip/sync/sleep children exit between samples (atop reads them from process
# accounting, switched on inside the namespace), and once a minute-ish `sh -c 'exit 3'` exits with a code.
# Nothing of the recording machine's own processes, paths or environment reaches the file; check with
# `atop -r FILE -P PRG` (the script does, and refuses a file naming this checkout, /work, /tmp/ paths of the
# scratch directory, node, vitest, AWS, firecracker or process_api).
#
#   sudo scripts/make-sample-atop.sh          (then rebuild fixtures/hosts/web01.tar: node scripts/make-sample-image.mjs)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ "$(id -u)" = 0 ] || { echo "run as root (unshare, acct)" >&2; exit 1; }
command -v atop >/dev/null || { echo "atop is not installed (apt-get install atop)" >&2; exit 1; }
atop -V | grep -q '^Version: 2\.8\.1' || { echo "expected Debian 12's atop 2.8.1, got: $(atop -V | head -1)" >&2; exit 1; }

DAY=$(date -u +%Y%m%d)
HOSTDIR=fixtures/hosts/web01/var/log/atop
SCRATCH=$(mktemp -d /var/tmp/sample-atop.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/tmp" "$SCRATCH/atop" "$SCRATCH/sbin" "$SCRATCH/run"
chmod 1777 "$SCRATCH/tmp"
# The stand-ins: the file's base name is the process name atop shows (the kernel's comm, 15 bytes at most).
cp /bin/bash "$SCRATCH/sbin/systemd"
for n in systemd-journald rsyslogd cron sshd nginx php-fpm8.2 agetty; do cp /bin/cat "$SCRATCH/sbin/$n"; done

# Inside the namespace (PID 1 first runs this; it ends by becoming the stand-in init, reading STAGE2 from stdin).
STAGE1='
set -e
mount --bind "$1/tmp" /tmp
mount --bind "$1/atop" /var/log/atop
mount --bind "$1/sbin" /usr/local/sbin
mount --bind "$1/run" /run
hostname web01
cp "$1/stage2" /run/.stage2
exec -a /sbin/init /usr/local/sbin/systemd < /run/.stage2
'
cat > "$SCRATCH/stage2" <<'STAGE2'
rm -f /run/.stage2
cd /
mkfifo /run/.hold
exec 9<>/run/.hold
rm -f /run/.hold
S=/usr/local/sbin
daemon() { # daemon UID NAME ARGV0
  if [ "$1" = 0 ]; then (exec -a "$3" "$S/$2" <&9 >/dev/null 2>&1) &
  else setpriv --reuid="$1" --regid="$1" --clear-groups /bin/bash -c 'exec -a "$1" "$2" <&9 >/dev/null 2>&1' - "$3" "$S/$2" &
  fi
}
daemon 0 systemd-journald /lib/systemd/systemd-journald
daemon 0 rsyslogd "/usr/sbin/rsyslogd -n -iNONE"
daemon 0 cron "/usr/sbin/cron -f"
daemon 0 sshd "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"
daemon 0 agetty "/sbin/agetty -o -p -- \\u --noclear - linux"
daemon 0 php-fpm8.2 "php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)"
daemon 33 php-fpm8.2 "php-fpm: pool www"
daemon 33 php-fpm8.2 "php-fpm: pool www"
daemon 0 nginx "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"
daemon 33 nginx "nginx: worker process"
daemon 33 nginx "nginx: worker process"
daemon 0 sshd "sshd: alice [priv]"
daemon 1000 sshd "sshd: alice@pts/0"
setpriv --reuid=1000 --regid=1000 --clear-groups /bin/bash -c 'cd /tmp; exec -a -bash /bin/bash <&9 >/dev/null 2>&1' &
# the cron job: log text written under /tmp and gzipped, every ~3 s; a child exits with 3 now and then
(exec -a /bin/sh /bin/dash <<'LOOP'
i=0
while :; do
  i=$((i + 1))
  yes '203.0.113.45 - - [21/Nov/2026:10:15:32 +0000] "GET /index.php?page=home HTTP/1.1" 200 5124 "-" "Mozilla/5.0"' | head -c 6000000 > /tmp/access.log
  gzip -9f /tmp/access.log
  mv /tmp/access.log.gz "/tmp/access.log.$((i % 4)).gz"
  sync
  [ $((i % 5)) = 0 ] && { sh -c 'exit 3' || :; }
  sleep 3
done
LOOP
) &
sleep 2
/usr/bin/atop -w /var/log/atop/atop_DAY 10 6 </dev/null >/dev/null 2>&1
sleep 1
kill $(jobs -p) 2>/dev/null || :
kill -- -1 2>/dev/null || :
exit 0
STAGE2
sed -i "s/atop_DAY/atop_$DAY/" "$SCRATCH/stage2"

unshare --pid --fork --mount-proc --mount --uts \
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root /bin/bash -c "$STAGE1" - "$SCRATCH"

RAW="$SCRATCH/atop/atop_$DAY"
[ -s "$RAW" ] || { echo "atop wrote nothing" >&2; exit 1; }
PRG=$(TZ=UTC atop -r "$RAW" -P PRG)
if printf '%s\n' "$PRG" | grep -Ei '/work|sample-atop|/var/tmp|quarry|node|vitest|aws|firecracker|process_api|unshare|stage'; then
  echo "the recording names the recording machine (above): not kept" >&2; exit 1
fi
rm -f "$HOSTDIR"/atop_2*
cp "$RAW" "$HOSTDIR/atop_$DAY"
chmod 644 "$HOSTDIR/atop_$DAY"
TZ=UTC atop -r "$RAW" -P PRG,PRC,PRM,PRD,PRN,CPU,cpu,MEM,SWP,DSK,NET | gzip -9n > fixtures/hosts/web01.atop.parseable.txt.gz
echo "$HOSTDIR/atop_$DAY: $(stat -c %s "$HOSTDIR/atop_$DAY") bytes, $(printf '%s\n' "$PRG" | grep -c '^PRG') PRG lines"
