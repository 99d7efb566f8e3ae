// Busy-server traffic between the variety corpus' entries: nginx access lines through syslog, an API gateway's
// native entries with per-request fields, cron runs. Each entry brings a few data objects of its own, so a
// stream with enough of them fills a file's data hash table and the writer rotates (journal_file_rotate_suggested:
// more than 75 % of the 2047 buckets used).
import { MIN, SEC, proc } from "../lib/host.mjs";

const PATHS = ["/", "/api/v1/items", "/api/v1/items/42", "/api/v1/search?q=journal", "/static/app.js", "/static/app.css", "/login", "/healthz"];
const AGENTS = ["curl/7.88.1", "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0", "python-requests/2.28.1", "Prometheus/2.42.0"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function clf(realtime) {
  const d = new Date(Math.floor(realtime / 1000));
  const p = (n) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Traffic in boot `b` from monotonic `from` to `to`, `perMinute` requests a minute. */
export function fillers(J, b, { from, to, perMinute = 4, nginxEvery = 4, cronEvery = 10, cronPid = 5000 }) {
  const r = J.rng;
  const nginx = proc({ pid: 880, uid: 33, gid: 33, comm: "nginx", exe: "/usr/sbin/nginx", cmdline: "nginx: worker process", unit: "nginx.service", slice: "system.slice", cgroup: "/system.slice/nginx.service", cap: "0", invocation: r.id128() });
  const api = proc({ pid: 910, uid: 999, gid: 999, comm: "api-gateway", exe: "/usr/local/bin/api-gateway", cmdline: "/usr/local/bin/api-gateway --config /etc/api-gateway.toml", unit: "api-gateway.service", slice: "system.slice", cgroup: "/system.slice/api-gateway.service", cap: "0", invocation: r.id128() });
  let pid = cronPid;
  for (let m = from; m < to; m += MIN) {
    for (let i = 0; i < perMinute; i++) {
      const mono = m + r.int(0, 59 * SEC);
      const client = `198.51.100.${r.int(2, 250)}`;
      const path = r.pick(PATHS);
      const status = r.next() < 0.9 ? 200 : r.pick([301, 404, 500, 502]);
      const bytes = r.int(120, 48000);
      if (i % nginxEvery === 0) {
        J.syslog(b, mono, nginx, { facility: 23, priority: status >= 500 ? 3 : 6, ident: "nginx", pid: false, message: `${client} - - [${clf(b.realtime(mono))}] "GET ${path} HTTP/1.1" ${status} ${bytes} "-" "${r.pick(AGENTS)}"` });
      } else {
        const ms = (r.next() * 900).toFixed(3);
        J.native(b, mono, api, [
          ["PRIORITY", status >= 500 ? "4" : "6"],
          ["SYSLOG_IDENTIFIER", "api-gateway"],
          ["CODE_FILE", "internal/http/log.go"],
          ["CODE_LINE", "57"],
          ["CODE_FUNC", "gateway/internal/http.(*logger).ServeHTTP"],
          ["REQUEST_ID", r.id128()],
          ["TRACE_ID", r.hex(32)],
          ["SPAN_ID", r.hex(16)],
          ["RESPONSE_BYTES", String(bytes)],
          ["HTTP_METHOD", "GET"],
          ["HTTP_PATH", path],
          ["HTTP_STATUS", String(status)],
          ["CLIENT_ADDR", `${client}:${r.int(1024, 65535)}`],
          ["DURATION_MS", ms],
          ["MESSAGE", `GET ${path} -> ${status} in ${ms} ms`],
        ]);
      }
    }
    if (Math.round(m / MIN) % cronEvery === 0) {
      const cron = proc({ pid: ++pid, comm: "cron", exe: "/usr/sbin/cron", cmdline: "/usr/sbin/CRON -f -P", unit: "cron.service", slice: "system.slice", cgroup: "/system.slice/cron.service", invocation: undefined, auditSession: pid - cronPid + 100, auditLoginuid: 0 });
      J.syslog(b, m + 1_100, cron, { facility: 10, priority: 6, ident: "CRON", message: "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)" });
      J.syslog(b, m + 1_900, { ...cron, pid: pid + 1 }, { facility: 9, priority: 6, ident: "CRON", message: "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)" });
      J.syslog(b, m + 350_000, cron, { facility: 10, priority: 6, ident: "CRON", message: "pam_unix(cron:session): session closed for user root" });
      pid++;
    }
  }
}
