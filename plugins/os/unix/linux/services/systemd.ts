// One record per systemd unit of a scope: its file, its drop-ins merged in, and systemctl's enablement state.
import type { FunctionContext, Target } from "quarry";
import { configLines, isDevNullLink, lineWarning, statOrNull } from "../../configlines.js";
import { ServiceRecord } from "./records.js";
import { apply, emptySettings, type UnitSettings } from "./settings.js";
import { unitAssignments } from "./unitfile.js";
import { aliasLinks, dropins, enablingLinks, existingDirs, fragments, type Fragment, type Scope } from "./units.js";

// A unit file is a few KB; a drop-in less.
const UNIT_BYTES = 4 * 1024 * 1024;

function read(t: Target, ctx: FunctionContext, path: string, into: UnitSettings): void {
  const lines = configLines(t, ctx, path, UNIT_BYTES);
  for (const a of unitAssignments(lines, (p) => lineWarning(ctx, path, p, `${p.message}; skipped`))) apply(into, a);
}

/** A drop-in that is a link to /dev/null or empty masks that name: nothing to read. */
function isNullOrEmpty(t: Target, path: string): boolean {
  if (isDevNullLink(t, path)) return true;
  try {
    const r = t.fs.resolve(path, true);
    return r.path === "/dev/null" || (r.stat?.type === "file" && r.stat.size === 0);
  } catch {
    return true;
  }
}

function stateOf(f: Fragment, s: UnitSettings, configLinks: string[], dirs: readonly string[], t: Target): string {
  if (f.masked) return "masked";
  if (f.dangling) return "bad";
  if (f.linkTarget && f.source) {
    const targetName = f.source.slice(f.source.lastIndexOf("/") + 1);
    if (targetName !== f.name) return "alias";
  }
  if (configLinks.length > 0) return "enabled";
  if (f.linkTarget && f.source && !dirs.some((d) => t.fs.isDir(d) && f.source!.startsWith(t.fs.realpath(d) + "/"))) return "linked";
  if (!s.installable) return s.also.length > 0 ? "indirect" : "static";
  return "disabled";
}

export function* systemdUnits(t: Target, ctx: FunctionContext, scope: Scope, shared: Scope | null = null) {
  const dirs = existingDirs(t, scope.dirs);
  if (dirs.length === 0) return;
  // A user's own units are enabled by links in their ~/.config and in /etc/systemd/user (systemctl --global).
  const linkDirs = existingDirs(t, shared ? [...scope.dirs, ...shared.dirs] : scope.dirs);
  const links = enablingLinks(t, linkDirs);
  const configDirs = scope.config.map((d) => d + "/");
  const aliases = aliasLinks(t, existingDirs(t, scope.config));
  for (const f of fragments(t, dirs)) {
    const s = emptySettings();
    if (f.dangling) ctx.warn({ message: `a link that leads to no unit file inside the target (${f.linkTarget ?? "unresolvable"})`, file: f.path });
    if (f.source) read(t, ctx, f.source, s);
    const applied: string[] = [];
    if (!f.masked) {
      for (const d of dropins(t, linkDirs, f.name)) {
        if (isNullOrEmpty(t, d)) continue;
        read(t, ctx, d, s);
        applied.push(d);
      }
    }
    const by = links.get(f.name) ?? [];
    const configLinks = [...by.filter((l) => configDirs.some((c) => l.startsWith(c))), ...(aliases.get(f.name) ?? [])];
    const state = stateOf(f, s, configLinks, dirs, t);
    const st = statOrNull(t, f.source ?? f.path);
    yield ServiceRecord.create({
      ts: st?.mtime ?? null,
      type: "systemd",
      name: f.name,
      scope: scope.scope,
      owner: scope.owner,
      state,
      enabled: state !== "masked" && by.length > 0,
      enabled_by: by,
      description: s.description,
      exec_start: s.exec_start,
      exec_start_pre: s.exec_start_pre,
      exec_start_post: s.exec_start_post,
      exec_stop: s.exec_stop,
      user: s.user,
      group: s.group,
      environment: s.environment,
      environment_file: s.environment_file,
      service_type: s.service_type,
      on_calendar: s.on_calendar,
      on_boot_sec: s.on_boot_sec,
      on_unit_active_sec: s.on_unit_active_sec,
      timer_unit: s.timer_unit ?? (f.name.endsWith(".timer") ? f.name.slice(0, -".timer".length) + ".service" : null),
      wanted_by: s.wanted_by,
      required_by: s.required_by,
      dropins: applied,
      shadowed: f.shadowed,
      link_target: f.linkTarget,
      filepath: f.path,
    });
  }
}
