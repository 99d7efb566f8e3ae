// The line tokenizer and the value decoder on hand-written lines: every expected value below is written by hand
// from the formats (the kernel's and libaudit's writers) and from ausearch -i's display of the same lines in
// fixtures/audit/handmade.audit.log.ausearch-i.txt.
import { describe, expect, it } from "vitest";
import { decodeValue, unhex, valueKind } from "../../../../../../plugins/os/unix/log/audit/decode.js";
import { lineValues } from "../../../../../../plugins/os/unix/log/audit/fields.js";
import { parseLine, type AuditLine } from "../../../../../../plugins/os/unix/log/audit/line.js";
import { syscallName, typeName } from "../../../../../../plugins/os/unix/log/audit/names.js";

function parsed(text: string): AuditLine {
  const p = parseLine(text);
  if ("problem" in p) throw new Error(p.problem);
  return p;
}

const pairs = (text: string): [string, string][] => parsed(text).pairs.map((p) => [p.name, p.value]);

describe("the header", () => {
  it("reads node, type, seconds, milliseconds and serial; the message is the rest as written", () => {
    const l = parsed('node=web01.example.internal type=USER_LOGIN msg=audit(1709800021.000:2002): pid=7100 uid=0 msg=\'op=login res=success\'\x1dUID="root"');
    expect([l.node, l.type, l.sec, l.ms, l.serial]).toEqual(["web01.example.internal", "USER_LOGIN", 1709800021, 0, 2002]);
    expect(l.message).toBe('pid=7100 uid=0 msg=\'op=login res=success\'\x1dUID="root"');
    expect(l.enriched).toEqual([{ name: "UID", value: "root", quoted: true }]);
  });

  it("takes a time stamp without milliseconds, a serial past 2^53 as a bigint, and drops a CR before the LF", () => {
    expect(parsed("type=USER msg=audit(1709800012:1019): a=b").ms).toBe(0);
    expect(parsed("type=USER msg=audit(1709800012.5:99999999999999999999): a=b").serial).toBe(99999999999999999999n);
    expect(parsed("type=USER msg=audit(1709800012.005:1): res=success\r").pairs).toEqual([{ name: "res", value: "success", quoted: false }]);
  });

  it("says why a line is none", () => {
    expect(parseLine("this is not an audit line")).toEqual({ problem: "not an audit record (no type=... msg=audit(...) header)" });
    expect(parseLine("type=SYSCALL msg=audit(notanumber:3100): arch=c000003e")).toEqual({ problem: "no msg=audit(SECONDS.MS:SERIAL): header" });
    expect(parseLine("type=SYSCALL msg=audit(1709800050.000:3101)")).toEqual({ problem: "no msg=audit(SECONDS.MS:SERIAL): header" });
    expect(parseLine("type=SYSCALL msg=audit(1709800050.0000:1): a=1")).toHaveProperty("problem");
  });

  it("names UNKNOWN[1334] and numeric types as libaudit 3.0.9 does; keeps an unknown one as written", () => {
    expect(typeName("UNKNOWN[1334]")).toBe("BPF");
    expect(typeName("1300")).toBe("SYSCALL");
    expect(typeName("UNKNOWN[1999]")).toBe("UNKNOWN[1999]");
    expect(typeName("SYSCALL")).toBe("SYSCALL");
  });
});

describe("the pairs", () => {
  it("splits quoted, single-quoted and plain values; msg='...' holds more pairs", () => {
    expect(pairs(`type=USER_CMD msg=audit(1.000:1): pid=5400 uid=1000 msg='cwd="/home/a b" cmd=6C73 exe="/usr/bin/sudo" terminal=pts/0 res=success'`)).toEqual([
      ["pid", "5400"],
      ["uid", "1000"],
      ["cwd", "/home/a b"],
      ["cmd", "6C73"],
      ["exe", "/usr/bin/sudo"],
      ["terminal", "pts/0"],
      ["res", "success"],
    ]);
  });

  it("continues an unquoted text value over the words after it (shadow's op=adding user, auditctl -m)", () => {
    expect(pairs(`type=ADD_USER msg=audit(1.000:1): msg='op=adding user id=1201 res=success'`)).toEqual([
      ["op", "adding user"],
      ["id", "1201"],
      ["res", "success"],
    ]);
    expect(pairs(`type=USER msg=audit(1.000:1): msg='text=hello from  the admin exe="/usr/sbin/auditctl"'`)[0]).toEqual(["text", "hello from  the admin"]);
  });

  it("reads the 2007 forms: old auid= as old-auid, (hostname=?, ...) and acct=root : as auparse does", () => {
    expect(pairs("type=LOGIN msg=audit(1170021601.343:296): login pid=13015 uid=0 old auid=4294967295 new auid=0")).toEqual([
      ["pid", "13015"],
      ["uid", "0"],
      ["old-auid", "4294967295"],
      ["auid", "0"],
    ]);
    expect(pairs(`type=USER_START msg=audit(1.000:1): user pid=1 msg='PAM: session open acct=root : exe="/usr/sbin/crond" (hostname=?, addr=?, terminal=cron res=success)'`)).toEqual([
      ["pid", "1"],
      ["acct", "root"],
      ["exe", "/usr/sbin/crond"],
      ["hostname", "?"],
      ["addr", "?"],
      ["terminal", "cron"],
      ["res", "success"],
    ]);
  });

  it("turns an AVC's words into auparse's seresult and seperms", () => {
    expect(pairs(`type=AVC msg=audit(1.000:1): avc:  denied  { read write } for  pid=4242 comm="nginx"`)).toEqual([
      ["seresult", "denied"],
      ["seperms", "read,write"],
      ["pid", "4242"],
      ["comm", "nginx"],
    ]);
    expect(pairs(`type=USER_AVC msg=audit(1.000:1): pid=812 msg='avc:  denied  { send_msg } for msgtype=method_call exe="/usr/bin/dbus-daemon"'`)).toEqual([
      ["pid", "812"],
      ["seresult", "denied"],
      ["seperms", "send_msg"],
      ["msgtype", "method_call"],
      ["exe", "/usr/bin/dbus-daemon"],
    ]);
  });

  it("keeps an ENRICHED SOCKADDR's braces whole", () => {
    expect(parsed("type=SOCKADDR msg=audit(1.000:1): saddr=0200\x1dSADDR={ saddr_fam=inet laddr=192.0.2.66 lport=4553 }").enriched).toEqual([
      { name: "SADDR", value: "{ saddr_fam=inet laddr=192.0.2.66 lport=4553 }", quoted: false },
    ]);
  });
});

describe("decoding, as ausearch -i", () => {
  const d = (type: string, name: string, value: string, quoted = false): string => decodeValue(valueKind(type, { name, value, quoted }), { name, value, quoted });

  it("hex to text, quoted as is, (null) as is, plain fields untouched", () => {
    expect(d("SYSCALL", "comm", "6D792070726F67")).toBe("my prog");
    expect(d("SYSCALL", "comm", "my prog", true)).toBe("my prog");
    expect(d("PATH", "name", "(null)")).toBe("(null)");
    expect(d("SYSCALL", "pid", "4141")).toBe("4141");
  });

  it("the quirks: stops at a non-hex digit, an odd last digit is a high nibble, a leading 00 is dropped, a NUL ends the text", () => {
    expect(d("SYSCALL", "comm", "41424")).toBe("AB@");
    expect(d("SYSCALL", "exe", "2F62696E2F6C73ZZ")).toBe("/bin/ls");
    expect(d("PATH", "name", "002F746D702F78")).toBe("/tmp/x");
    expect(d("SYSCALL", "comm", "4100420043")).toBe("A");
    expect(d("SYSCALL", "comm", "4")).toBe("4"); // fewer than two digits: as written
    expect(unhex("zz")).toBeNull();
  });

  it("a proctitle's NULs are spaces (a trailing one too); an acct decodes only when quoted or all hex", () => {
    expect(d("PROCTITLE", "proctitle", "6C73002D6C6100")).toBe("ls -la ");
    expect(d("PROCTITLE", "proctitle", "6C73002D6C610")).toBe("ls -la");
    expect(d("PROCTITLE", "proctitle", "/usr/bin/curl", true)).toBe("/usr/bin/curl");
    expect(d("USER_LOGIN", "acct", "6164206D696E")).toBe("ad min");
    expect(d("USER_LOGIN", "acct", "root")).toBe("root");
    expect(d("USER_LOGIN", "acct", "beef")).toBe("\udcbe\udcef"); // hex to ausearch: bytes BE EF, not UTF-8
  });

  it("EXECVE arguments (not argc, not aN_len), USER_TTY msg, KERN_MODULE name and TRUSTED_APP values decode", () => {
    expect(d("EXECVE", "a1", "68656C6C6F20776F726C64")).toBe("hello world");
    expect(d("EXECVE", "a1[0]", "4141")).toBe("AA");
    expect(d("EXECVE", "argc", "41")).toBe("41");
    expect(d("EXECVE", "a1_len", "18000")).toBe("18000");
    expect(d("USER_TTY", "msg", "6C730A")).toBe("ls\n");
    expect(d("KERN_MODULE", "name", "6576696C206D6F64")).toBe("evil mod");
    expect(d("TRUSTED_APP", "x", "6A6B")).toBe("jk"); // all digits would be a number
    expect(d("TRUSTED_APP", "x", "1234")).toBe("1234");
  });

  it("syscall names by arch from libaudit's tables; none for an unknown arch or number", () => {
    expect(syscallName("c000003e", "59")).toBe("execve");
    expect(syscallName("40000003", "11")).toBe("execve");
    expect(syscallName("c00000b7", "221")).toBe("execve");
    expect(syscallName("deadbeef", "59")).toBeNull();
    expect(syscallName("c000003e", "4000")).toBeNull();
  });
});

describe("the record's values", () => {
  it("types the well-known fields and keeps every other pair, decoded, in order", () => {
    const v = lineValues(
      parsed(
        `type=SYSCALL msg=audit(1709800010.000:1017): arch=c000003e syscall=59 success=yes exit=0 items=1 ppid=1 pid=1100 auid=1000 uid=0 tty=pts0 ses=3 comm=6D792070726F67 exe=2F6F70742F6D792070726F67 key=65786563017072697665736300`,
      ),
    );
    expect(v).toMatchObject({ audit_type: "SYSCALL", audit_id: 1017, syscall: "execve", success: true, exit: 0, ppid: 1, pid: 1100, auid: 1000, uid: 0, tty: "pts0", ses: 3, comm: "my prog", exe: "/opt/my prog", key: "exec,privesc" });
    expect(v.ts!.isoformat()).toBe("2024-03-07T08:26:50+00:00");
    expect(v.fields).toEqual(["arch=c000003e", "items=1"]);
  });

  it("?, (none) and (null) are no value; an addr that is no IP address and a pid that is no number stay in fields", () => {
    const v = lineValues(parsed(`type=USER_LOGIN msg=audit(1.000:1): pid=x1 uid=0 msg='op=login acct="alice" exe="/usr/sbin/sshd" hostname=? addr=gw.example terminal=? res=failed'`));
    expect(v).toMatchObject({ pid: null, audit_hostname: null, terminal: null, addr: null, acct: "alice", res: "failed", op: "login" });
    expect(v.fields).toEqual(["pid=x1", "addr=gw.example"]);
    const w = lineValues(parsed(`type=USER_LOGIN msg=audit(1.000:1): msg='addr=2001:DB8:0:0::17 key=(null) tty=(none)'`));
    expect(w).toMatchObject({ addr: "2001:db8::17", key: null, tty: null });
  });
});
