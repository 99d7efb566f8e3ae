// services: systemd units (system, global user, each home's), SysV init scripts and rc.local (dissect's
// linux/services, linux/service).
import { absent, definePlugin, ok, type Target } from "quarry";
import { homes } from "../../homes.js";
import { ServiceRecord } from "./records.js";
import { initScripts, rcLocal } from "./sysv.js";
import { systemdUnits } from "./systemd.js";
import { existingDirs, GLOBAL_USER, homeScope, SYSTEM } from "./units.js";

function anyService(t: Target): boolean {
  return (
    existingDirs(t, [...SYSTEM.dirs, ...GLOBAL_USER.dirs]).length > 0 ||
    t.fs.isDir("/etc/init.d") ||
    t.fs.isDir("/etc/rc.d/init.d") ||
    t.fs.isFile("/etc/rc.local") ||
    t.fs.isFile("/etc/rc.d/rc.local") ||
    homes(t).some((h) => existingDirs(t, homeScope(h.user, h.home).dirs).length > 0)
  );
}

export default definePlugin({
  name: "services",
  path: "os.unix.linux.services",
  description: "systemd units, SysV init scripts and rc.local",
  paths: ["/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system", "/etc/systemd/user", "/usr/lib/systemd/user", "~/.config/systemd/user", "/etc/init.d", "/etc/rc?.d", "/etc/rc.local"],
  checkCompatible: (t) => (anyService(t) ? ok() : absent("no systemd unit directory, /etc/init.d or rc.local")),
  functions: {
    services: {
      output: "records",
      description:
        "One record per systemd unit (its file, drop-ins merged, ExecStart, User, Environment, timer schedule, WantedBy; systemctl's enablement state and the links behind it), per SysV init script and per rc.local",
      records: [ServiceRecord],
      *run(t, ctx) {
        yield* systemdUnits(t, ctx, SYSTEM);
        yield* systemdUnits(t, ctx, GLOBAL_USER);
        for (const h of homes(t)) yield* systemdUnits(t, ctx, homeScope(h.user, h.home), GLOBAL_USER);
        yield* initScripts(t, ctx);
        yield* rcLocal(t, ctx);
      },
    },
  },
});
