// The programs of a Debian 12 host (openssh 9.2p1 with PAM and Linux audit, linux-pam 1.5.2, sudo 1.9.13p3,
// systemd 252, shadow 4.13, auditd 3.0.9) and what each writes for one step of a story, with the order and the
// gaps between their records that those programs have (a step is given the time of its main line; the other
// records follow at fixed offsets, documented in fixtures/scenarios/README.md). Message texts are the
// writers' format strings: openssh auth.c auth_log() and getpwnamallow(), packet.c, sshd.c; pam_unix
// support.c and pam_unix_sess.c; sudo's eventlog "%8s : %s"; logind-session.c / logind-dbus.c; useradd.c.
import { UNSET, auditValue } from "./lib.mjs";

const MS = 1000;
const S = 1_000_000;

const pamMsg = (op, grantors, acct, exe, host, addr, terminal, ok) =>
  `op=PAM:${op} grantors=${ok ? grantors : "?"} acct=${auditValue(acct)} exe="${exe}" hostname=${host} addr=${addr} terminal=${terminal} res=${ok ? "success" : "failed"}`;
const AUTH_GRANTORS = "pam_unix,pam_permit";
const ACCT_GRANTORS = "pam_unix,pam_permit";
const SSHD_SESSION_GRANTORS = "pam_selinux,pam_loginuid,pam_keyinit,pam_permit,pam_unix,pam_systemd,pam_motd,pam_motd,pam_mail,pam_limits,pam_env,pam_env,pam_selinux";
const SUDO_SESSION_GRANTORS = "pam_limits,pam_permit,pam_unix,pam_systemd";

export class Host {
  constructor(story, { logindPid, users }) {
    this.s = story;
    this.logindPid = logindPid;
    this.users = users; // name → { uid, home }
  }

  user(name) {
    return { uid: this.users[name]?.uid, home: this.users[name]?.home ?? `/home/${name}`, name };
  }

  /** The journal/syslog identity of a connection's monitor process (sshd[pid]), before or after its login. */
  sshd(pid, { title = "sshd: [accepted]", session, loginuid, scope = false } = {}) {
    const scoped = scope ? { unit: `session-${session}.scope`, cgroup: `/user.slice/user-${loginuid}.slice/session-${session}.scope`, slice: "user-" + loginuid + ".slice", userSlice: `user-${loginuid}.slice`, scope: true } : { unit: "ssh.service", cgroup: "/system.slice/ssh.service" };
    return { pid, ident: "sshd", comm: "sshd", exe: "/usr/sbin/sshd", cmdline: title, facility: 4, session, loginuid, invocation: this.sshInvocation, ...scoped };
  }

  logind(t, message, extra, priority = 6) {
    this.s.log(t, { pid: this.logindPid, ident: "systemd-logind", comm: "systemd-logind", exe: "/lib/systemd/systemd-logind", cmdline: "/lib/systemd/systemd-logind", unit: "systemd-logind.service", cgroup: "/system.slice/systemd-logind.service", transport: "journal", facility: 4, priority, cap: "24420224f" }, message, { CODE_FILE: "src/login/logind-session.c", ...extra });
  }

  /** "Invalid user X from IP port N", then its password attempt refused: sshd, PAM, btmp twice, audit. */
  invalidUser(t, { pid, name, ip, port, gapPam = 231_204, gapFailed = 2_049_118 }) {
    const p = this.sshd(pid);
    this.s.log(t, p, `Invalid user ${name} from ${ip} port ${port}`);
    this.s.btmp(t + 153, { type: 6, pid, user: name, line: "ssh:notty", host: ip, addr: ip });
    this.s.audit(t + 400, "USER_LOGIN", `pid=${pid} uid=0 auid=${UNSET} ses=${UNSET} msg='op=login acct=${auditValue("(invalid user)")} exe="/usr/sbin/sshd" hostname=? addr=${ip} terminal=sshd res=failed'`);
    const tp = t + gapPam;
    this.s.log(tp, { ...p, facility: 10, priority: 5 }, "pam_unix(sshd:auth): check pass; user unknown");
    this.s.log(tp + 346, { ...p, facility: 10, priority: 5 }, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip} `);
    const tf = t + gapFailed;
    this.s.audit(tf - 1_500, "USER_AUTH", `pid=${pid} uid=0 auid=${UNSET} ses=${UNSET} msg='${pamMsg("authentication", AUTH_GRANTORS, name, "/usr/sbin/sshd", ip, ip, "ssh", false)}'`);
    this.s.log(tf, p, `Failed password for invalid user ${name} from ${ip} port ${port} ssh2`);
    this.s.btmp(tf + 179, { type: 6, pid, user: name, line: "ssh:notty", host: ip, addr: ip });
    this.s.audit(tf + 600, "USER_LOGIN", `pid=${pid} uid=0 auid=${UNSET} ses=${UNSET} msg='op=login acct=${auditValue("(invalid user)")} exe="/usr/sbin/sshd" hostname=? addr=${ip} terminal=sshd res=failed'`);
    return tf;
  }

  /** The client gives up after a refusal: packet.c's two lines (Bye Bye from the client, then sshd's summary). */
  preauthDisconnect(t, { pid, ip, port, who }) {
    const p = this.sshd(pid);
    this.s.log(t, p, `Received disconnect from ${ip} port ${port}:11: Bye Bye [preauth]`);
    this.s.log(t + 132, p, `Disconnected from ${who} ${ip} port ${port} [preauth]`);
  }

  /** A wrong password for a real user: pam_unix's failure line, PAM's 2 s delay, sshd's Failed line, btmp, audit. */
  failedPassword(t, { pid, name, ip, port, gap = 1_815_437 }) {
    const p = this.sshd(pid);
    this.s.log(t, { ...p, facility: 10, priority: 5 }, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${name}`);
    const tf = t + gap;
    this.s.audit(tf - 300, "USER_AUTH", `pid=${pid} uid=0 auid=${UNSET} ses=${UNSET} msg='${pamMsg("authentication", AUTH_GRANTORS, name, "/usr/sbin/sshd", ip, ip, "ssh", false)}'`);
    this.s.log(tf, p, `Failed password for ${name} from ${ip} port ${port} ssh2`);
    this.s.btmp(tf + 170, { type: 6, pid, user: name, line: "ssh:notty", host: ip, addr: ip });
    this.s.audit(tf + 500, "USER_LOGIN", `pid=${pid} uid=0 auid=${UNSET} ses=${UNSET} msg='op=login acct=${auditValue(name)} exe="/usr/sbin/sshd" hostname=? addr=${ip} terminal=sshd res=failed'`);
    return tf;
  }

  /**
   * A successful login (t: sshd's "Accepted" line): PAM account (and auth for a password), the session opened
   * in the monitor (pam_loginuid sets the audit session, which logind takes as its session id), logind's New
   * session, the pty: wtmp USER_PROCESS with the session child's pid, audit USER_LOGIN, lastlog, lastlog2.
   */
  login(t, { pid, child, name, ip, port, method, key, ses, tty, lastlog2 = true }) {
    const u = this.user(name);
    const p = this.sshd(pid);
    if (method === "password") {
      this.s.audit(t - 3_210, "USER_AUTH", `pid=${pid} uid=0 auid=${UNSET} ses=${UNSET} msg='${pamMsg("authentication", AUTH_GRANTORS, name, "/usr/sbin/sshd", ip, ip, "ssh", true)}'`);
    }
    this.s.audit(t - 2_120, "USER_ACCT", `pid=${pid} uid=0 auid=${UNSET} ses=${UNSET} msg='${pamMsg("accounting", ACCT_GRANTORS, name, "/usr/sbin/sshd", ip, ip, "ssh", true)}'`);
    this.s.log(t, p, `Accepted ${method} for ${name} from ${ip} port ${port} ssh2${key ? `: ${key}` : ""}`);
    this.s.audit(t + 1_050, "CRED_ACQ", `pid=${pid} uid=0 auid=${UNSET} ses=${UNSET} msg='${pamMsg("setcred", AUTH_GRANTORS, name, "/usr/sbin/sshd", ip, ip, "ssh", true)}'`);
    this.s.audit(t + 22_300, "LOGIN", `pid=${pid} uid=0 old-auid=${UNSET} auid=${u.uid} tty=(none) old-ses=${UNSET} ses=${ses} res=1`);
    const ps = this.sshd(pid, { title: `sshd: ${name} [priv]`, session: ses, loginuid: u.uid });
    this.s.log(t + 26_785, { ...ps, facility: 10 }, `pam_unix(sshd:session): session opened for user ${name}(uid=${u.uid}) by (uid=0)`);
    this.s.audit(t + 27_000, "USER_START", `pid=${pid} uid=0 auid=${u.uid} ses=${ses} msg='${pamMsg("session_open", SSHD_SESSION_GRANTORS, name, "/usr/sbin/sshd", ip, ip, "ssh", true)}'`);
    this.logind(t + 46_622, `New session ${ses} of user ${name}.`, { MESSAGE_ID: "8d45620c1a4348dbb17410da57c60c66", SESSION_ID: String(ses), USER_ID: name, LEADER: String(pid), CODE_LINE: "832", CODE_FUNC: "session_start" });
    const tw = t + 58_191;
    this.s.wtmp(tw, { type: 7, pid: child, id: tty.slice(-4), user: name, line: tty, host: ip, addr: ip });
    this.s.audit(tw + 400, "USER_LOGIN", `pid=${pid} uid=0 auid=${u.uid} ses=${ses} msg='op=login id=${u.uid} exe="/usr/sbin/sshd" hostname=${ip} addr=${ip} terminal=/dev/${tty} res=success'`);
    this.s.lastlog.set(u.uid, { t: tw, line: tty, host: ip });
    // pam_lastlog2 runs in the session stack, where PAM_TTY is still sshd's "ssh" (the pty comes later)
    if (lastlog2) this.s.lastlog2.set(name, { t: t + 26_900, tty: "ssh", host: ip, service: "sshd" });
    return { p, ps, child, tw };
  }

  /**
   * sudo COMMAND (t: sudo's log line; syslog ident "sudo" without the pid, as sudo opens its log) inside a
   * session: PAM auth (unless the credential cache answers) and account, USER_CMD, the PAM session for the
   * command, the command's own messages (`during`), the session closed at `end`.
   */
  sudo(t, { pid, name, ses, tty, cwd, argv, end, askPassword = false, during }) {
    const u = this.user(name);
    const p = { pid, ident: "sudo", comm: "sudo", exe: "/usr/bin/sudo", cmdline: `sudo ${argv.join(" ")}`, facility: 10, logPid: false, session: ses, loginuid: u.uid, unit: `session-${ses}.scope`, cgroup: `/user.slice/user-${u.uid}.slice/session-${ses}.scope`, slice: `user-${u.uid}.slice`, userSlice: `user-${u.uid}.slice`, scope: true };
    const ids = `pid=${pid} uid=${u.uid} auid=${u.uid} ses=${ses}`;
    if (askPassword) this.s.audit(t - 3_040, "USER_AUTH", `${ids} msg='${pamMsg("authentication", "pam_unix", name, "/usr/bin/sudo", "?", "?", `/dev/${tty}`, true)}'`);
    this.s.audit(t - 2_010, "USER_ACCT", `${ids} msg='${pamMsg("accounting", "pam_unix,pam_permit", name, "/usr/bin/sudo", "?", "?", `/dev/${tty}`, true)}'`);
    // sudo's eventlog: "%8s : %s" (the name right-aligned in 8 columns), given to syslog(3) as it is
    this.s.log(t, { ...p, priority: 5 }, `${name.padStart(8)} : TTY=${tty} ; PWD=${cwd} ; USER=root ; COMMAND=${argv.join(" ")}`);
    this.s.audit(t + 410, "USER_CMD", `${ids} msg='cwd=${auditValue(cwd)} cmd=${auditValue(argv.join(" "))} exe="/usr/bin/sudo" terminal=${tty} res=success'`);
    this.s.audit(t + 1_020, "CRED_REFR", `pid=${pid} uid=0 auid=${u.uid} ses=${ses} msg='${pamMsg("setcred", "pam_unix", "root", "/usr/bin/sudo", "?", "?", `/dev/${tty}`, true)}'`);
    this.s.log(t + 3_292, p, `pam_unix(sudo:session): session opened for user root(uid=0) by ${name}(uid=${u.uid})`);
    this.s.audit(t + 3_500, "USER_START", `pid=${pid} uid=0 auid=${u.uid} ses=${ses} msg='${pamMsg("session_open", SUDO_SESSION_GRANTORS, "root", "/usr/bin/sudo", "?", "?", `/dev/${tty}`, true)}'`);
    if (during) during();
    this.s.log(end, p, "pam_unix(sudo:session): session closed for user root");
    this.s.audit(end + 310, "USER_END", `pid=${pid} uid=0 auid=${u.uid} ses=${ses} msg='${pamMsg("session_close", SUDO_SESSION_GRANTORS, "root", "/usr/bin/sudo", "?", "?", `/dev/${tty}`, true)}'`);
    this.s.audit(end + 920, "CRED_DISP", `pid=${pid} uid=0 auid=${u.uid} ses=${ses} msg='${pamMsg("setcred", "pam_unix", "root", "/usr/bin/sudo", "?", "?", `/dev/${tty}`, true)}'`);
  }

  /** A command run as root by sudo, logging as itself (useradd, passwd): pid, ident, its facility. */
  tool(t, { pid, ident, exe, ses, loginuid, argv }, message, facility = 4) {
    this.s.log(t, { pid, ident, comm: ident, exe, cmdline: argv.join(" "), facility, session: ses, loginuid, unit: `session-${ses}.scope`, cgroup: `/user.slice/user-${loginuid}.slice/session-${ses}.scope`, slice: `user-${loginuid}.slice`, userSlice: `user-${loginuid}.slice`, scope: true }, message);
  }

  /**
   * The user ends the session (t: the session child's "Disconnected from user" line): the child's two packet.c
   * lines, wtmp DEAD_PROCESS (the child's pid, empty user and host), the monitor's PAM close, logind.
   */
  logout(t, { pid, child, name, ip, port, ses, tty }) {
    const u = this.user(name);
    const pc = { ...this.sshd(child, { title: `sshd: ${name}@${tty}`, session: ses, loginuid: u.uid, scope: true }), uid: u.uid, cap: "0" };
    this.s.log(t - 173, pc, `Received disconnect from ${ip} port ${port}:11: disconnected by user`);
    this.s.log(t, pc, `Disconnected from user ${name} ${ip} port ${port}`);
    this.s.wtmp(t + 14_143, { type: 8, pid: child, id: tty.slice(-4), line: tty });
    const pm = this.sshd(pid, { title: `sshd: ${name} [priv]`, session: ses, loginuid: u.uid, scope: true });
    this.s.log(t + 21_558, { ...pm, facility: 10 }, `pam_unix(sshd:session): session closed for user ${name}`);
    this.s.audit(t + 21_800, "USER_END", `pid=${pid} uid=0 auid=${u.uid} ses=${ses} msg='${pamMsg("session_close", SSHD_SESSION_GRANTORS, name, "/usr/sbin/sshd", ip, ip, "ssh", true)}'`);
    this.s.audit(t + 22_300, "CRED_DISP", `pid=${pid} uid=0 auid=${u.uid} ses=${ses} msg='${pamMsg("setcred", AUTH_GRANTORS, name, "/usr/sbin/sshd", ip, ip, "ssh", true)}'`);
    this.logindGone(t + 36_675, ses, t + 50_241);
  }

  /** logind's two lines when a session's processes are gone. */
  logindGone(t, ses, tRemoved) {
    this.logind(t, `Session ${ses} logged out. Waiting for processes to exit.`, { SESSION_ID: String(ses), CODE_LINE: "883", CODE_FUNC: "session_stop" });
    this.logind(tRemoved, `Removed session ${ses}.`, { MESSAGE_ID: "3354939424b4456d9802ca8333ed424a", SESSION_ID: String(ses), CODE_LINE: "921", CODE_FUNC: "session_finalize" });
  }
}

export { MS, S };
