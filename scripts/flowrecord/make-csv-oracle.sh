#!/bin/sh
# The oracle for reading CSV back (rdump FILE.csv, csvfile://): quarry writes the sample host's wtmp as CSV, and
# Python's flow.record (its rdump, csvfile adapter) reads it as JSON lines. test/records/csv-reader.test.ts reads
# the same CSV with quarry's rdump and compares every record. One record type: flow.record's reader takes the
# first row as the header of the whole file.
#   FLOW_RECORD=/path/to/flow.record/checkout scripts/flowrecord/make-csv-oracle.sh
set -eu
cd "$(dirname "$0")/../.."
: "${FLOW_RECORD:?set FLOW_RECORD to a flow.record source tree}"
out=fixtures/flowrecord
npm run build >/dev/null
node dist/src/cli/bin/target-query.js -q --generated 2024-01-01T00:00:00Z -f wtmp -w "csvfile://$out/web01-wtmp.csv" fixtures/hosts/web01.tar
PYTHONPATH="$FLOW_RECORD" /usr/bin/python3 -m flow.record.tools.rdump -J "csvfile://$out/web01-wtmp.csv" > "$out/web01-wtmp.csv.flow.jsonl"
wc -l "$out/web01-wtmp.csv.flow.jsonl"
