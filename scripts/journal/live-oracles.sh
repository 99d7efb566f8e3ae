#!/bin/bash
# journalctl as it reads a live system's journals, for the layout tree: in a private mount namespace the tree's
# /var/log/journal, /run/log/journal and /etc/machine-id are mounted over the host's, and journalctl runs
# without --root or -D, so that its own rules pick the files (local machine only unless -m; namespaces only when
# asked with --namespace). Output: DEST/live.NAME.json for each NAME=ARGS given.
#   live-oracles.sh TREE DEST NAME=ARGS...         (as root; make-fixtures.sh calls it)
set -euo pipefail
if [ -z "${QUARRY_JOURNAL_NS:-}" ]; then
  exec env QUARRY_JOURNAL_NS=1 unshare --mount --propagation private "$0" "$@"
fi
tree=$(cd "$1" && pwd) dest=$(cd "$2" && pwd)
shift 2
mount --bind "$tree/etc/machine-id" /etc/machine-id
mount --bind "$tree/var/log/journal" /var/log/journal
mount -t tmpfs -o size=1m tmpfs /run/log
mkdir /run/log/journal
mount --bind "$tree/run/log/journal" /run/log/journal
for spec in "$@"; do
  name=${spec%%=*} args=${spec#*=}
  # shellcheck disable=SC2086  # ARGS are journalctl options, split on purpose
  journalctl $args -o json --output-fields=_MACHINE_ID,_NAMESPACE,_HOSTNAME,SYSLOG_IDENTIFIER --no-pager > "$dest/live.$name.json"
done
