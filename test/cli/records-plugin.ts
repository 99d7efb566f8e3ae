// A test-only plugin with three record types shaped like atop, wtmp and btmp records, reading
// /var/log/testlog (one "kind user ip" line per record), until the real plugins land.
import { defineRecord } from "../../src/records/descriptor.js";
import { absent, definePlugin, ok } from "../../src/plugin/define.js";
import { Registry } from "../../src/plugin/registry.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { PLUGINS } from "../../plugins/index.js";

export const TAtop = defineRecord("test/atop", { ts: "datetime", process: "string", pid: "varint", rmem: "varint", filepath: "path" });
export const TWtmp = defineRecord("test/wtmp", {
  ts: "datetime", ut_type: "string", ut_user: "string", ut_pid: "varint", ut_line: "string", ut_host: "string",
  ut_addr: "net.ipaddress", filepath: "path",
});
export const TBtmp = defineRecord("test/btmp", {
  ts: "datetime", ut_type: "string", ut_user: "string", ut_pid: "varint", ut_line: "string", ut_host: "string",
  ut_addr: "net.ipaddress", filepath: "path",
});

const LOG = "/var/log/testlog";

function* lines(t: { fs: { readText(p: string): string } }, kind: string): Generator<[number, string[]]> {
  const all = t.fs.readText(LOG).split("\n").filter(Boolean);
  let i = 0;
  for (const l of all) {
    const f = l.split(" ");
    if (f[0] === kind) yield [i, f];
    i++;
  }
}

export const testPlugin = definePlugin({
  name: "testlogs",
  path: "test.logs",
  description: "test-only: atop/wtmp/btmp-like records from /var/log/testlog",
  checkCompatible: (t) => (t.fs.isFile(LOG) ? ok() : absent(`no ${LOG}`)),
  functions: {
    tatop: {
      output: "records",
      description: "atop-like",
      records: [TAtop],
      *run(t) {
        for (const [i, f] of lines(t, "atop")) {
          yield TAtop.create({ ts: Timestamp.fromUnix(1700000000 + i, i * 7), process: f[1]!, pid: i + 100, rmem: 2n ** 70n + BigInt(i), filepath: "/var/log/atop/atop_20240101" });
        }
      },
    },
    twtmp: {
      output: "records",
      description: "wtmp-like",
      records: [TWtmp],
      *run(t) {
        for (const [i, f] of lines(t, "wtmp")) {
          yield TWtmp.create({ ts: Timestamp.fromUnix(1700000000 + i, 123456), ut_type: "USER_PROCESS", ut_user: f[1]!, ut_pid: 1000 + i, ut_line: "pts/" + i, ut_host: f[2]!, ut_addr: f[2]!, filepath: "/var/log/wtmp" });
        }
      },
    },
    tbtmp: {
      output: "records",
      description: "btmp-like",
      records: [TBtmp],
      *run(t) {
        for (const [i, f] of lines(t, "btmp")) {
          yield TBtmp.create({ ts: Timestamp.fromUnix(1700000000 + i), ut_type: "LOGIN_PROCESS", ut_user: f[1]!, ut_pid: 2000 + i, ut_line: "ssh:notty", ut_host: f[2]!, ut_addr: f[2]!, filepath: "/var/log/btmp" });
        }
      },
    },
  },
});

export const testRegistry = new Registry([...PLUGINS, testPlugin]);

export const TESTLOG = [
  "atop systemd",
  "wtmp root 10.0.0.5",
  "btmp admin 192.168.1.9",
  "wtmp alice 2001:db8::7",
  "atop sshd",
  "btmp root 10.1.1.1",
  "wtmp root 192.168.1.20",
  "btmp \udcffuser 10.9.9.9",
].join("\n");
