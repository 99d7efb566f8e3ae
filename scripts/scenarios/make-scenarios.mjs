#!/usr/bin/env node
// Remake fixtures/scenarios/{breach,wiped}/: the host trees and the real tools' views of them (oracles/).
//   sudo node scripts/scenarios/make-scenarios.mjs [breach|wiped]...      (Debian 12, as root: see README)
// The stories are in breach.mjs and wiped.mjs; each artefact is written by its own program wherever one exists:
// wtmp/btmp by `utmpdump -r`, the journal by systemd-journal-remote (scripts/journal/write-journal.sh), the
// lastlog2 database by python3's sqlite3 with liblastlog2's schema; auth.log, audit.log and lastlog are written
// here in their writers' formats and checked by journalctl, ausearch and `lastlog -R`. The keys in
// fixtures/scenarios/keys/ were made once by ssh-keygen and are reused, so fingerprints stay put.
// The expected login stories (expected/*.json) are NOT made here: they are written by hand.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { authLog, auditLog, exportStream, lastlogBytes } from "./lib.mjs";
import { breach, BREACH } from "./breach.mjs";
import { wiped, WIPED, BTMP_KEPT } from "./wiped.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const OUT = path.join(ROOT, "fixtures/scenarios");
const KEYS = path.join(OUT, "keys");
const ENV = { ...process.env, TZ: "UTC", LC_ALL: "C" };

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { env: ENV, maxBuffer: 64 << 20, ...opts });
const write = (file, data) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
};

function fingerprint(name) {
  // "256 SHA256:… comment (ED25519)": the form sshd logs after the key type
  const line = run("ssh-keygen", ["-lf", path.join(KEYS, `${name}.pub`)]).toString().trim();
  return line.split(" ")[1];
}

const OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

function etc(dir, meta, extraGroups) {
  write(path.join(dir, "etc/hostname"), `${meta.hostname}\n`);
  write(path.join(dir, "etc/os-release"), OS_RELEASE);
  write(path.join(dir, "etc/machine-id"), `${meta.machineId}\n`);
  write(path.join(dir, "etc/timezone"), `${meta.zone === "UTC" ? "Etc/UTC" : meta.zone}\n`);
  fs.copyFileSync(`/usr/share/zoneinfo/${meta.zone === "UTC" ? "Etc/UTC" : meta.zone}`, path.join(dir, "etc/localtime"));
  const sys = ["root:x:0:0:root:/root:/bin/bash", "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin", "sshd:x:100:65534::/run/sshd:/usr/sbin/nologin"];
  const people = Object.entries(meta.users).filter(([n]) => n !== "root");
  const passwd = [...sys, ...people.map(([n, u]) => `${n}:x:${u.uid}:${u.uid}:${n},,,:/home/${n}:/bin/bash`)];
  write(path.join(dir, "etc/passwd"), passwd.join("\n") + "\n");
  const groups = ["root:x:0:", "daemon:x:1:", `sudo:x:27:${extraGroups.sudo.join(",")}`, "nogroup:x:65534:", ...people.map(([n, u]) => `${n}:x:${u.uid}:`)];
  write(path.join(dir, "etc/group"), groups.join("\n") + "\n");
}

function utmp(dir, name, text) {
  const input = path.join(dir, "oracles", `${name}.input.txt`);
  write(input, text.join("\n") + "\n");
  const out = path.join(dir, "var/log", name);
  run("utmpdump", ["-r", "-o", out, input], { stdio: ["ignore", "ignore", "pipe"] });
  return out;
}

function oracles(dir, meta, story) {
  const o = (f) => path.join(dir, "oracles", f);
  for (const name of ["wtmp", "btmp"]) {
    const f = path.join(dir, "var/log", name);
    if (!fs.existsSync(f)) continue;
    write(o(`${name}.utmpdump.txt`), run("utmpdump", [f], { stdio: ["ignore", "pipe", "pipe"] }));
    const last = name === "wtmp" ? "last" : "lastb";
    write(o(`${name}.${last}-Fxiw.txt`), run(last, ["-F", "-x", "-i", "-w", "-f", f]));
  }
  // lastlog(8) of shadow 4.13, chrooted into the tree (it reads the tree's etc/passwd and var/log/lastlog)
  write(o("lastlog.txt"), run("lastlog", ["-R", dir]));
  const db = path.join(dir, "var/lib/lastlog/lastlog2.db");
  if (fs.existsSync(db)) {
    write(o("lastlog2.rows.txt"), run("sqlite3", ["-header", "-separator", "|", db, "SELECT Name, Time, TTY, RemoteHost, Service FROM Lastlog2 ORDER BY Name"]));
    write(o("lastlog2.schema.txt"), run("sqlite3", [db, ".schema"]));
  }
  const audit = path.join(dir, "var/log/audit/audit.log");
  write(o("audit.log.ausearch-i.txt"), run("ausearch", ["-if", audit, "-i"]));
  write(o("audit.log.ausearch-raw.txt"), run("ausearch", ["-if", audit, "--format", "raw"]));
  const jdir = path.join(dir, "var/log/journal", meta.machineId);
  const jf = path.join(jdir, "system.journal");
  write(o("system.journal.json"), run("journalctl", [`--file=${jf}`, "-o", "json", "--all", "--no-pager"]));
  write(o("system.journal.verify.txt"), (() => {
    try {
      return run("journalctl", [`--file=${jf}`, "--verify"], { stdio: ["ignore", "pipe", "pipe"] }).toString() + "exit status: 0\n";
    } catch (e) {
      return `${e.stdout}${e.stderr}exit status: ${e.status}\n`;
    }
  })());
  write(o("system.journal.short-iso.txt"), run("journalctl", [`--file=${jf}`, "-o", "short-iso-precise", "--no-pager", "--no-hostname"]));
  write(o("auth.log.lines.txt"), `${story.auth.length}\n`);
}

function journal(dir, meta, story) {
  const stream = path.join(dir, "oracles", "system.journal.export-input");
  write(stream, exportStream(story));
  const dest = path.join(dir, "var/log/journal", meta.machineId);
  fs.rmSync(dest, { recursive: true, force: true });
  run("bash", [path.join(ROOT, "scripts/journal/write-journal.sh"), meta.machineId, "/lib/systemd/systemd-journal-remote", dest, "system.journal", stream], { stdio: ["ignore", "inherit", "inherit"] });
}

// When each host was acquired: auth.log's mtime (its lines have no year; test/scenarios/helpers.ts sets the same)
const ACQUIRED = { bastion: "2026-11-17T10:30:00Z", files01: "2026-11-24T15:00:00Z" };

function common(dir, meta, story) {
  for (const sub of ["etc", "var", "root", "home", "oracles"]) fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
  write(path.join(dir, "var/log/auth.log"), authLog(story));
  const when = new Date(ACQUIRED[meta.hostname]);
  fs.utimesSync(path.join(dir, "var/log/auth.log"), when, when);
  write(path.join(dir, "var/log/audit/audit.log"), auditLog(story));
  write(path.join(dir, "var/log/lastlog"), lastlogBytes(story));
  journal(dir, meta, story);
}

const keys = { alice: fingerprint("alice"), carol: fingerprint("carol") };
const attackerKey = fs.readFileSync(path.join(KEYS, "attacker.pub"), "utf8");
const which = process.argv.slice(2);
const want = (n) => which.length === 0 || which.includes(n);

if (want("breach")) {
  const dir = path.join(OUT, "breach");
  const s = breach(keys);
  common(dir, BREACH, s);
  etc(dir, BREACH, { sudo: ["alice", "deploy"] });
  write(path.join(dir, "home/alice/.ssh/authorized_keys"), fs.readFileSync(path.join(KEYS, "alice.pub")));
  // root's file: the host's own deploy key, then what the attacker's tee appended
  write(path.join(dir, "root/.ssh/authorized_keys"), attackerKey);
  utmp(dir, "wtmp", s.wtmpText);
  utmp(dir, "btmp", s.btmpText);
  const db = path.join(dir, "var/lib/lastlog/lastlog2.db");
  fs.mkdirSync(path.dirname(db), { recursive: true });
  fs.rmSync(db, { force: true });
  const rows = [...s.lastlog2].map(([n, r]) => [n, Math.floor(r.t / 1e6), r.tty, r.host, r.service]);
  run("python3", ["-c", `import sqlite3,sys,json
c=sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE Lastlog2(Name TEXT PRIMARY KEY, Time INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT)")
c.executemany("INSERT INTO Lastlog2 VALUES(?,?,?,?,?)", json.loads(sys.argv[2]))
c.commit()`, db, JSON.stringify(rows)]);
  oracles(dir, BREACH, s);
}

if (want("wiped")) {
  const dir = path.join(OUT, "wiped");
  const s = wiped(keys);
  common(dir, WIPED, s);
  etc(dir, WIPED, { sudo: ["carol", "backup"] });
  write(path.join(dir, "home/carol/.ssh/authorized_keys"), fs.readFileSync(path.join(KEYS, "carol.pub")));
  // wtmp: removed by the attacker (no file); btmp: written whole, then cut as `truncate -s 1000` left it
  const btmp = utmp(dir, "btmp", s.btmpText);
  write(path.join(dir, "oracles", "btmp.before-truncate.utmpdump.txt"), run("utmpdump", [btmp], { stdio: ["ignore", "pipe", "pipe"] }));
  fs.truncateSync(btmp, BTMP_KEPT);
  oracles(dir, WIPED, s);
}
