// Reads target-query --timeline -j on stdin without keeping it: counts the entries, checks that their times never
// go back, and prints {"entries", "sorted", "first", "last", "bytes"} at the end. (The hostile tests' harness
// would otherwise hold a gigabyte of output in memory.) Entries of whole seconds only: their ISO texts compare
// as their times do.
let rest = "";
let entries = 0;
let sorted = true;
let prev = "";
let first = null;
let bytes = 0;
const KEY = '"ts": "';
process.stdin.setEncoding("latin1");
process.stdin.on("data", (chunk) => {
  bytes += chunk.length;
  const lines = (rest + chunk).split("\n");
  rest = lines.pop();
  for (const l of lines) {
    if (!l.includes('"_type": "record"')) continue;
    const at = l.indexOf(KEY) + KEY.length;
    const ts = l.slice(at, l.indexOf('"', at));
    if (ts < prev) sorted = false;
    prev = ts;
    first ??= ts;
    entries++;
  }
});
process.stdin.on("end", () => {
  process.stdout.write(JSON.stringify({ entries, sorted, first, last: prev, bytes }) + "\n");
});
