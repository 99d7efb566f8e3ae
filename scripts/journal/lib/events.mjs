// The messages the usual Debian 12 daemons write, as journald stores them: systemd (PID 1), journald, logind,
// sshd, sudo, su, login. Wording follows what these programs log (systemd 252, OpenSSH 9.2, sudo 1.9.13,
// util-linux 2.38); ids are the documented MESSAGE_IDs of systemd's catalog.
import { proc, SEC } from "./host.mjs";

export const MID = {
  journalStart: "f77379a8490b408bbe5f6940505a777b",
  journalStop: "d93fb3c9c24d451a97cea615ce59c00b",
  journalUsage: "ec387f577b844b8fa948f33cad9a75e6",
  unitStarted: "39f53479d3a045ac8e11786248231fbf",
  unitStopped: "9d1aaa27d60140bd96365438aad20286",
  unitFailed: "d9b373ed55a64feb8242e02dbe79a49c",
  unitProcessExit: "98e322203f7a4ed290d09fe03c09fe15",
  unitRestartScheduled: "5eb03494b6584870a536b337290809b3",
  unitSuccess: "7ad2d189f7e94e70a38c781354912448",
  startupFinished: "b07a249cd024414a82dd00cd181378ff",
  sessionStart: "8d45620c1a4348dbb17410da57c60c66",
  sessionStop: "3354939424b4456d9802ca8333ed424a",
  timeChange: "c7a787079b354eaaa9e77b371893cd27",
  timeSync: "7c8a41f37b764941a0e1780b1be2f037",
  coredump: "fc2e22bc6ee647b6b90729ab34a250b1",
  shutdown: "98268866d1d54a499c4e98921d93bc40",
};

/** The daemons every host runs, with fixed pids for one boot. */
export function daemons(J, { journaldPid = 241, logindPid = 534, sshdPid = 612, version = "252.22-1~deb12u1" } = {}) {
  const inv = () => J.rng.id128();
  return {
    version,
    pid1: proc({ pid: 1, comm: "systemd", exe: "/usr/lib/systemd/systemd", cmdline: "/sbin/init", unit: "init.scope", slice: "-.slice", cgroup: "/init.scope" }),
    journald: proc({ pid: journaldPid, comm: "systemd-journal", exe: "/usr/lib/systemd/systemd-journald", cmdline: "/lib/systemd/systemd-journald", unit: "systemd-journald.service", slice: "system.slice", cgroup: "/system.slice/systemd-journald.service", cap: "25402800cf", invocation: inv() }),
    logind: proc({ pid: logindPid, comm: "systemd-logind", exe: "/usr/lib/systemd/systemd-logind", cmdline: "/lib/systemd/systemd-logind", unit: "systemd-logind.service", slice: "system.slice", cgroup: "/system.slice/systemd-logind.service", cap: "24420002204", invocation: inv() }),
    sshd: proc({ pid: sshdPid, comm: "sshd", exe: "/usr/sbin/sshd", cmdline: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", unit: "ssh.service", slice: "system.slice", cgroup: "/system.slice/ssh.service", invocation: inv() }),
  };
}

/** systemd (PID 1) logging through the native protocol, with its source location. */
export function pid1(J, boot, mono, d, message, { priority = 6, code = ["src/core/job.c", 768, "job_emit_done_message"], fields = [] } = {}) {
  return J.native(boot, mono, d.pid1, [
    ["PRIORITY", String(priority)],
    ["SYSLOG_FACILITY", "3"],
    ["TID", "1"],
    ["CODE_FILE", code[0]],
    ["CODE_LINE", String(code[1])],
    ["CODE_FUNC", code[2]],
    ["SYSLOG_IDENTIFIER", "systemd"],
    ...fields,
    ["MESSAGE", message],
  ]);
}

let jobId = 0;
/** "Started X." / "Stopped X." for a unit's job. */
export function job(J, boot, mono, d, unit, description, { verb = "Started", type = "start", invocation = J.rng.id128() } = {}) {
  // Targets are "reached" and "stopped target" (systemd's job_done messages for the target unit type).
  const what = unit.endsWith(".target") ? (verb === "Started" ? "Reached target" : `${verb} target`) : verb;
  return pid1(J, boot, mono, d, `${what} ${unit} - ${description}.`, {
    fields: [
      ["MESSAGE_ID", verb === "Started" ? MID.unitStarted : MID.unitStopped],
      ["JOB_ID", String(++jobId + 100)],
      ["JOB_TYPE", type],
      ["JOB_RESULT", "done"],
      ["UNIT", unit],
      ["INVOCATION_ID", invocation],
    ],
  });
}

export function kernelBoot(J, boot, { kernel, build, cmdline, extra = [] }) {
  J.kernel(boot, 0, 5, `Linux version ${kernel} (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian ${build}`);
  J.kernel(boot, 0, 6, `Command line: BOOT_IMAGE=/boot/vmlinuz-${kernel} ${cmdline}`);
  for (const [mono, prio, msg, fields] of extra) J.kernel(boot, mono, prio, msg, fields ?? []);
}

/** "Journal started" and the runtime journal's usage; with runtime false, the usage line after the flush to /var. */
export function journalStarted(J, boot, mono, d, { machineId, runtime = true, started = runtime }) {
  if (started) J.driver(boot, mono, d.journald, [["PRIORITY", "6"], ["MESSAGE_ID", MID.journalStart], ["MESSAGE", "Journal started"]]);
  const name = runtime ? "Runtime Journal" : "System Journal";
  const path = runtime ? `/run/log/journal/${machineId}` : `/var/log/journal/${machineId}`;
  const [use, max, free] = runtime ? ["4.0M", "39.0M", "35.0M"] : ["24.0M", "4.0G", "3.9G"];
  J.driver(boot, mono + 2100, d.journald, [
    ["PRIORITY", "6"],
    ["MESSAGE_ID", MID.journalUsage],
    ["JOURNAL_NAME", name],
    ["JOURNAL_PATH", path],
    ["CURRENT_USE", runtime ? "4194304" : "25165824"],
    ["CURRENT_USE_PRETTY", use],
    ["MAX_USE", runtime ? "40894464" : "4294967296"],
    ["MAX_USE_PRETTY", max],
    ["DISK_KEEP_FREE", runtime ? "61341696" : "4294967296"],
    ["DISK_KEEP_FREE_PRETTY", runtime ? "58.5M" : "4.0G"],
    ["DISK_AVAILABLE", runtime ? "404930560" : "51539607552"],
    ["DISK_AVAILABLE_PRETTY", runtime ? "386.1M" : "48.0G"],
    ["LIMIT", runtime ? "40894464" : "4294967296"],
    ["LIMIT_PRETTY", max],
    ["AVAILABLE", runtime ? "36700160" : "4269801472"],
    ["AVAILABLE_PRETTY", free],
    ["MESSAGE", `${name} (${path}) is ${use}, max ${max}, ${free} free.`],
  ]);
}

/** A connection's privileged sshd process ("sshd: alice [priv]"). */
export function sshConn(d, pid, user) {
  return proc({ ...d.sshd, pid, cmdline: `sshd: ${user} [priv]`, invocation: d.sshd.invocation });
}

function sessionProc(p, { uid, session, auditSession = session }) {
  return proc({
    ...p,
    auditSession,
    auditLoginuid: uid,
    session: String(session),
    ownerUid: uid,
    unit: `session-${session}.scope`,
    slice: `user-${uid}.slice`,
    cgroup: `/user.slice/user-${uid}.slice/session-${session}.scope`,
    invocation: undefined,
  });
}

/**
 * A successful ssh login: sshd's Accepted line and PAM session, logind's new session, PID 1's scope.
 * Returns the session's shell process, for what the user does next.
 */
export function sshLogin(J, boot, mono, d, { user, uid, gid = uid, pid, shellPid = pid + 3, session, addr, port, method = "publickey", key = "ED25519 SHA256:5qn4y2Ac0OQ3JbmQ2m7mBfZ1pGvq6Ey8Jx0kRk9v2cI", shell = "/bin/bash" }) {
  const conn = sshConn(d, pid, user);
  const auth = { facility: 4, priority: 6, ident: "sshd" };
  J.syslog(boot, mono, conn, { ...auth, message: `Accepted ${method} for ${user} from ${addr} port ${port} ssh2${method === "publickey" ? `: ${key}` : ""}` });
  J.syslog(boot, mono + 9_000, proc({ ...conn, auditSession: session, auditLoginuid: uid }), { facility: 10, priority: 6, ident: "sshd", message: `pam_unix(sshd:session): session opened for user ${user}(uid=${uid}) by (uid=0)` });
  J.native(boot, mono + 14_000, d.logind, [
    ["PRIORITY", "6"],
    ["SYSLOG_FACILITY", "4"],
    ["SYSLOG_IDENTIFIER", "systemd-logind"],
    ["CODE_FILE", "src/login/logind-session.c"],
    ["CODE_LINE", "815"],
    ["CODE_FUNC", "session_start"],
    ["MESSAGE_ID", MID.sessionStart],
    ["SESSION_ID", String(session)],
    ["USER_ID", user],
    ["LEADER", String(pid)],
    ["MESSAGE", `New session ${session} of user ${user}.`],
  ]);
  job(J, boot, mono + 16_000, d, `session-${session}.scope`, `Session ${session} of User ${user}`);
  const base = sessionProc(conn, { uid, session });
  return {
    conn: base,
    shell: proc({ ...base, pid: shellPid, uid, gid, comm: shell.split("/").pop(), exe: shell === "/bin/bash" ? "/usr/bin/bash" : shell, cmdline: `-${shell.split("/").pop()}`, cap: "0" }),
    user,
    uid,
    session,
    addr,
    port,
    pid,
  };
}

export function sshLogout(J, boot, mono, d, s) {
  const auth = { facility: 4, priority: 6, ident: "sshd" };
  J.syslog(boot, mono, s.conn, { ...auth, message: `Received disconnect from ${s.addr} port ${s.port}:11: disconnected by user` });
  J.syslog(boot, mono + 300, s.conn, { ...auth, message: `Disconnected from user ${s.user} ${s.addr} port ${s.port}` });
  J.syslog(boot, mono + 1_200, s.conn, { facility: 10, priority: 6, ident: "sshd", message: `pam_unix(sshd:session): session closed for user ${s.user}` });
  sessionGone(J, boot, mono + 5_000, d, s);
}

export function sessionGone(J, boot, mono, d, s) {
  J.native(boot, mono, d.logind, [
    ["PRIORITY", "6"],
    ["SYSLOG_FACILITY", "4"],
    ["SYSLOG_IDENTIFIER", "systemd-logind"],
    ["CODE_FILE", "src/login/logind-session.c"],
    ["CODE_LINE", "939"],
    ["CODE_FUNC", "session_stop"],
    ["SESSION_ID", String(s.session)],
    ["USER_ID", s.user],
    ["LEADER", String(s.pid)],
    ["MESSAGE", `Session ${s.session} logged out. Waiting for processes to exit.`],
  ]);
  pid1(J, boot, mono + 40_000, d, `session-${s.session}.scope: Deactivated successfully.`, {
    code: ["src/core/unit.c", 5553, "unit_log_success"],
    fields: [["MESSAGE_ID", MID.unitSuccess], ["UNIT", `session-${s.session}.scope`], ["INVOCATION_ID", J.rng.id128()]],
  });
  J.native(boot, mono + 42_000, d.logind, [
    ["PRIORITY", "6"],
    ["SYSLOG_FACILITY", "4"],
    ["SYSLOG_IDENTIFIER", "systemd-logind"],
    ["CODE_FILE", "src/login/logind-session.c"],
    ["CODE_LINE", "1054"],
    ["CODE_FUNC", "session_finalize"],
    ["MESSAGE_ID", MID.sessionStop],
    ["SESSION_ID", String(s.session)],
    ["USER_ID", s.user],
    ["LEADER", String(s.pid)],
    ["MESSAGE", `Removed session ${s.session}.`],
  ]);
}

/** One failed password attempt (and what sshd says around it for an unknown user). */
export function sshFailedPassword(J, boot, mono, d, { user, invalid = false, addr, port, pid }) {
  const p = proc({ ...d.sshd, pid, cmdline: `sshd: ${invalid ? "unknown" : user} [priv]` });
  const auth = { facility: 4, priority: 6, ident: "sshd" };
  if (invalid) J.syslog(boot, Math.max(0, mono - 1_800), p, { ...auth, message: `Invalid user ${user} from ${addr} port ${port}` });
  J.syslog(boot, mono, p, { ...auth, message: `Failed password for ${invalid ? "invalid user " : ""}${user} from ${addr} port ${port} ssh2` });
  return p;
}

export function sshPreauthClosed(J, boot, mono, d, { user, invalid = false, addr, port, pid, tooMany = false }) {
  const p = proc({ ...d.sshd, pid, cmdline: `sshd: ${invalid ? "unknown" : user} [priv]` });
  const who = `${invalid ? "invalid" : "authenticating"} user ${user}`;
  if (tooMany) {
    J.syslog(boot, mono, p, { facility: 4, priority: 3, ident: "sshd", message: `error: maximum authentication attempts exceeded for ${invalid ? "invalid user " : ""}${user} from ${addr} port ${port} ssh2 [preauth]` });
    J.syslog(boot, mono + 80, p, { facility: 4, priority: 6, ident: "sshd", message: `Disconnecting ${who} ${addr} port ${port}: Too many authentication failures [preauth]` });
  } else {
    J.syslog(boot, mono, p, { facility: 4, priority: 6, ident: "sshd", message: `Connection closed by ${who} ${addr} port ${port} [preauth]` });
  }
}

/** sudo's log line and its PAM session; `command` as sudo prints it. */
export function sudo(J, boot, mono, s, { pid, tty, pwd, runas = "root", runasUid = 0, command, cmdline, close = 0 }) {
  const p = proc({ ...s.shell, pid, uid: 0, gid: s.shell.gid, comm: "sudo", exe: "/usr/bin/sudo", cmdline, cap: "1ffffffffff" });
  const padded = s.user.padStart(8, " ");
  J.syslog(boot, mono, p, { facility: 10, priority: 5, ident: "sudo", pid: false, message: `${padded} : TTY=${tty} ; PWD=${pwd} ; USER=${runas} ; COMMAND=${command}` });
  J.syslog(boot, mono + 2_100, p, { facility: 10, priority: 6, ident: "sudo", pid: false, message: `pam_unix(sudo:session): session opened for user ${runas}(uid=${runasUid}) by ${s.user}(uid=${s.uid})` });
  if (close) J.syslog(boot, mono + close, p, { facility: 10, priority: 6, ident: "sudo", pid: false, message: `pam_unix(sudo:session): session closed for user ${runas}` });
  return p;
}

export function sudoDenied(J, boot, mono, s, { pid, tty, pwd, command, cmdline, reason }) {
  const p = proc({ ...s.shell, pid, uid: 0, comm: "sudo", exe: "/usr/bin/sudo", cmdline, cap: "1ffffffffff" });
  if (reason === "password") {
    J.syslog(boot, mono, p, { facility: 10, priority: 5, ident: "sudo", pid: false, message: `pam_unix(sudo:auth): authentication failure; logname=${s.user} uid=${s.uid} euid=0 tty=/dev/${tty} ruser=${s.user} rhost=  user=${s.user}` });
    J.syslog(boot, mono + 9 * SEC, p, { facility: 10, priority: 1, ident: "sudo", pid: false, message: `${s.user.padStart(8, " ")} : 3 incorrect password attempts ; TTY=${tty} ; PWD=${pwd} ; USER=root ; COMMAND=${command}` });
  } else {
    J.syslog(boot, mono, p, { facility: 10, priority: 1, ident: "sudo", pid: false, message: `${s.user.padStart(8, " ")} : user NOT in sudoers ; TTY=${tty} ; PWD=${pwd} ; USER=root ; COMMAND=${command}` });
  }
  return p;
}

/** su to another user: util-linux su logs the switch (or the failure) and pam_unix the session. */
export function su(J, boot, mono, s, { pid, tty, target = "root", targetUid = 0, ok = true, login = false }) {
  const service = login ? "su-l" : "su";
  const p = proc({ ...s.shell, pid, uid: s.uid, comm: "su", exe: "/usr/bin/su", cmdline: login ? `su - ${target}` : `su ${target}`, cap: "0" });
  if (ok) {
    J.syslog(boot, mono, p, { facility: 4, priority: 5, ident: "su", message: `(to ${target}) ${s.user} on ${tty}` });
    J.syslog(boot, mono + 800, p, { facility: 10, priority: 6, ident: "su", message: `pam_unix(${service}:session): session opened for user ${target}(uid=${targetUid}) by ${s.user}(uid=${s.uid})` });
  } else {
    J.syslog(boot, mono, p, { facility: 10, priority: 5, ident: "su", message: `pam_unix(${service}:auth): authentication failure; logname=${s.user} uid=${s.uid} euid=0 tty=/dev/${tty} ruser=${s.user} rhost=  user=${target}` });
    J.syslog(boot, mono + 2_400_000, p, { facility: 4, priority: 5, ident: "su", message: `FAILED SU (to ${target}) ${s.user} on ${tty}` });
  }
  return p;
}
