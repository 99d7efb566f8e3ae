// Where systemd finds units (systemd.unit(5)): the search path in precedence order, the one file a unit name
// resolves to (the first), the files it hides, its drop-ins, and the .wants/.requires/.upholds links that enable
// it. Every path and link is resolved inside the target: a link to "/usr/lib/…" means the target's /usr/lib.
import type { Target } from "quarry";
import { isDevNullLink } from "../../configlines.js";

export interface Scope {
  scope: "system" | "user";
  owner: string | null;
  /** The unit directories, highest precedence first (as written; the same directory reached twice is kept once). */
  dirs: string[];
  /** The directories whose links `systemctl enable` writes: a link there makes the unit "enabled". */
  config: string[];
}

export const UNIT_NAME = /^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?\.(service|socket|timer|target|path|mount|automount|swap|slice|scope|device)$/;
const LINK_DIR = /\.(wants|requires|upholds)$/;

export const SYSTEM: Scope = {
  scope: "system",
  owner: null,
  dirs: ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"],
  config: ["/etc/systemd/system", "/run/systemd/system"],
};

export const GLOBAL_USER: Scope = {
  scope: "user",
  owner: null,
  dirs: ["/etc/systemd/user", "/run/systemd/user", "/usr/local/lib/systemd/user", "/usr/lib/systemd/user", "/lib/systemd/user"],
  config: ["/etc/systemd/user", "/run/systemd/user"],
};

/** A user's own units: ~/.config/systemd/user (where `systemctl --user enable` links) and ~/.local/share/systemd/user. */
export function homeScope(user: string, home: string): Scope {
  const config = `${home}/.config/systemd/user`;
  return { scope: "user", owner: user, dirs: [config, `${home}/.local/share/systemd/user`], config: [config, "/etc/systemd/user"] };
}

export interface Fragment {
  name: string;
  /** The path in the unit directory (a link stays a link here). */
  path: string;
  dir: string;
  /** Where a link leads, resolved inside the target (null for a regular file). */
  linkTarget: string | null;
  /** The file whose settings are read: the link's target, or the path itself; null when masked or dangling. */
  source: string | null;
  masked: boolean;
  dangling: boolean;
  shadowed: string[];
}

/** The directories of a scope that exist, each once (merged /usr makes /lib/systemd/system /usr/lib/systemd/system). */
export function existingDirs(t: Target, dirs: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of dirs) {
    if (!t.fs.isDir(d)) continue;
    let real: string;
    try {
      real = t.fs.realpath(d);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(d);
  }
  return out;
}

function entries(t: Target, dir: string): { name: string; type: string }[] {
  try {
    return t.fs.scandir(dir);
  } catch {
    return [];
  }
}

/** Every unit name of a scope and the file it resolves to, in name order. */
export function fragments(t: Target, dirs: readonly string[]): Fragment[] {
  const byName = new Map<string, Fragment>();
  for (const dir of dirs) {
    for (const e of entries(t, dir)) {
      if (!UNIT_NAME.test(e.name) || (e.type !== "file" && e.type !== "symlink")) continue;
      const path = `${dir}/${e.name}`;
      const known = byName.get(e.name);
      if (known) {
        known.shadowed.push(path);
        continue;
      }
      byName.set(e.name, describe(t, e.name, dir, path, e.type === "symlink"));
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function describe(t: Target, name: string, dir: string, path: string, isLink: boolean): Fragment {
  let linkTarget: string | null = null;
  let source: string | null = path;
  let dangling = false;
  let size = -1;
  try {
    const r = t.fs.resolve(path, true);
    if (isLink) linkTarget = r.path;
    if (!r.stat) {
      dangling = true;
      source = null;
    } else {
      size = r.stat.type === "file" ? r.stat.size : -1;
      if (r.stat.type === "file") source = r.path;
      else if (r.path !== "/dev/null") {
        dangling = true; // a link to a directory or a device is no unit
        source = null;
      }
    }
  } catch {
    dangling = true; // a missing directory on the way, a loop, a path too long: nothing systemd could load
    source = null;
    if (isLink) linkTarget = rawLink(t, path);
  }
  // systemd's null_or_empty: a link to /dev/null or an empty file masks the unit.
  const masked = (isLink && isDevNullLink(t, path)) || size === 0;
  if (masked && isLink) linkTarget = "/dev/null";
  if (masked) source = null;
  return { name, path, dir, linkTarget, source, masked, dangling: dangling && !masked, shadowed: [] };
}

function rawLink(t: Target, path: string): string | null {
  try {
    return t.fs.readlink(path);
  } catch {
    return null;
  }
}

/** unit name → the links that pull it in; an instance's link (getty@tty1.service) also counts for its template. */
export function enablingLinks(t: Target, dirs: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (unit: string, link: string): void => {
    const list = out.get(unit);
    if (list) list.push(link);
    else out.set(unit, [link]);
  };
  for (const dir of dirs) {
    for (const e of entries(t, dir)) {
      if (!LINK_DIR.test(e.name)) continue;
      const linkDir = `${dir}/${e.name}`;
      if (!t.fs.isDir(linkDir)) continue;
      for (const l of entries(t, linkDir)) {
        if (!UNIT_NAME.test(l.name)) continue;
        const link = `${linkDir}/${l.name}`;
        add(l.name, link);
        const inst = /^([^@]+@)[^@]+(\.[a-z]+)$/.exec(l.name);
        if (inst) add(`${inst[1]}${inst[2]}`, link);
      }
    }
  }
  return out;
}

/** The drop-ins of a unit in systemd's order: by file name across unit.d, template.d and type.d; the first directory with a name wins. */
export function dropins(t: Target, dirs: readonly string[], name: string): string[] {
  const type = name.slice(name.lastIndexOf(".") + 1);
  const names = [`${name}.d`];
  const inst = /^([^@]+@)[^@]+(\.[a-z]+)$/.exec(name);
  if (inst) names.push(`${inst[1]}${inst[2]}.d`);
  names.push(`${type}.d`);
  const byFile = new Map<string, string>();
  for (const dir of dirs) {
    for (const d of names) {
      const dd = `${dir}/${d}`;
      if (!t.fs.isDir(dd)) continue;
      for (const e of entries(t, dd)) {
        if (!e.name.endsWith(".conf") || byFile.has(e.name)) continue;
        byFile.set(e.name, `${dd}/${e.name}`);
      }
    }
  }
  return [...byFile.keys()].sort().map((k) => byFile.get(k)!);
}

/**
 * unit name → the alias links to it in the given (config) directories: `systemctl enable` writes one for each
 * [Install] Alias= (ctrl-alt-del.target → reboot.target), and systemctl counts the unit enabled by it.
 */
export function aliasLinks(t: Target, dirs: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const dir of dirs) {
    for (const e of entries(t, dir)) {
      if (e.type !== "symlink" || !UNIT_NAME.test(e.name)) continue;
      const link = `${dir}/${e.name}`;
      let target: string;
      try {
        target = t.fs.resolve(link, true).path;
      } catch {
        continue;
      }
      const name = target.slice(target.lastIndexOf("/") + 1);
      if (name !== e.name && UNIT_NAME.test(name)) out.set(name, [...(out.get(name) ?? []), link]);
    }
  }
  return out;
}
