#!/bin/sh
# The oracle for -w sqlite://: quarry writes the sample host's records into a SQLite file, and Python's
# flow.record (its own rdump, sqlite adapter) reads them back as JSON lines. Both files are committed;
# test/records/sqlite-writer.test.ts checks that quarry still writes the same database, and that every record
# flow.record read from it carries quarry's values.
#   FLOW_RECORD=/path/to/flow.record/checkout (its flow/ package; needs python3-msgpack) scripts/flowrecord/make-sqlite-oracle.sh
set -eu
cd "$(dirname "$0")/../.."
: "${FLOW_RECORD:?set FLOW_RECORD to a flow.record source tree}"
out=fixtures/flowrecord
npm run build >/dev/null
rm -f "$out/web01.sqlite"
# _source is "<file name>-<sha256 of the absolute path>": the target is read from one fixed path, so the
# oracle holds in every checkout (the test copies the sample there too).
mkdir -p /tmp/quarry-oracle && cp fixtures/hosts/web01.tar /tmp/quarry-oracle/web01.tar
node dist/src/cli/bin/target-query.js -q --generated 2024-01-01T00:00:00Z \
  -f wtmp,btmp,users,lastlog,audit.events,atop.system -w "sqlite://$out/web01.sqlite" /tmp/quarry-oracle/web01.tar
PYTHONPATH="$FLOW_RECORD" /usr/bin/python3 -m flow.record.tools.rdump -J "sqlite://$out/web01.sqlite" | gzip -9n > "$out/web01.sqlite.flow.jsonl.gz"
echo "${FLOW_RECORD_VERSION:-$(cd "$FLOW_RECORD" && git rev-parse HEAD 2>/dev/null || echo unknown)}" > "$out/web01.sqlite.flow-version"
gzip -dc "$out/web01.sqlite.flow.jsonl.gz" | wc -l
