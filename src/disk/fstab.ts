// /etc/fstab as the assembly reads it: which filesystem each line names (UUID=, LABEL=, PARTUUID=, PARTLABEL=,
// /dev/disk/by-*/…, /dev/mapper/<vg>-<lv>, /dev/<vg>/<lv>, and /dev/sdaN-style names of the first disk) and
// where it goes. Lines for swap, pseudo and network filesystems and bind mounts are not filesystems on the disk.

export interface FstabLine {
  readonly lineno: number;
  readonly spec: string;
  readonly point: string;
  readonly type: string;
  readonly options: readonly string[];
}

/** The kinds of name a spec uses; `value` is what is compared. */
export type SpecKey =
  | { readonly by: "uuid" | "label" | "partuuid" | "partlabel"; readonly value: string }
  /** An LVM logical volume, as "vg/lv". */
  | { readonly by: "lv"; readonly value: string }
  /** A partition number of the first disk (/dev/sda2, /dev/vda2, /dev/nvme0n1p2, /dev/xvda2). */
  | { readonly by: "partition"; readonly value: string };

const NOT_ON_DISK = new Set(["swap", "proc", "sysfs", "tmpfs", "devpts", "devtmpfs", "nfs", "nfs4", "cifs", "smbfs", "smb3", "sshfs", "9p", "virtiofs", "cgroup", "cgroup2", "securityfs", "debugfs", "efivarfs", "binfmt_misc", "hugetlbfs", "mqueue", "overlay", "autofs", "none", "ramfs", "fuse", "iso9660", "udf"]);

/** fstab's octal escapes (\040 for a space in a mount point). */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** udev's \x escapes in /dev/disk/by-label names (\x20 for a space). */
function unescapeHex(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const unquote = (s: string): string => (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.endsWith(s[0]) ? s.slice(1, -1) : s);

/** The lines that mount a filesystem from a disk: a local type, an absolute mount point, not a bind mount. */
export function parseFstab(text: string): FstabLine[] {
  const out: FstabLine[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const f = line.split(/\s+/);
    if (f.length < 2) return;
    const spec = unescapeOctal(f[0]!);
    const point = unescapeOctal(f[1]!);
    const type = f[2] ?? "auto";
    const options = (f[3] ?? "defaults").split(",");
    if (!point.startsWith("/") || NOT_ON_DISK.has(type) || type.startsWith("fuse.") || options.includes("bind") || options.includes("rbind")) return;
    out.push({ lineno: i + 1, spec, point, type, options });
  });
  return out;
}

/** "vg0-var--log" → "vg0/var-log": a device-mapper name splits at the single dash; doubled dashes are one. */
export function dmNameToLv(name: string): string | null {
  for (let i = 1; i < name.length - 1; i++) {
    if (name[i] !== "-") continue;
    if (name[i + 1] === "-") {
      i++;
      continue;
    }
    return `${name.slice(0, i).replace(/--/g, "-")}/${name.slice(i + 1).replace(/--/g, "-")}`;
  }
  return null;
}

/** "vg0/var-log" → "vg0-var--log", the name under /dev/mapper. */
export function lvToDmName(lv: string): string {
  const [vg, name] = lv.split("/", 2) as [string, string];
  return `${vg.replace(/-/g, "--")}-${(name ?? "").replace(/-/g, "--")}`;
}

/** What a spec names, or null when it is none of the forms above. */
export function specKey(spec: string): SpecKey | null {
  const eq = /^(UUID|LABEL|PARTUUID|PARTLABEL)=(.*)$/i.exec(spec);
  if (eq) {
    const by = eq[1]!.toLowerCase() as "uuid" | "label" | "partuuid" | "partlabel";
    const v = unquote(eq[2]!);
    return { by, value: by === "uuid" || by === "partuuid" ? v.toLowerCase() : v };
  }
  const disk = /^\/dev\/disk\/by-(uuid|label|partuuid|partlabel)\/(.+)$/.exec(spec);
  if (disk) {
    const by = disk[1] as "uuid" | "label" | "partuuid" | "partlabel";
    const v = unescapeHex(disk[2]!);
    return { by, value: by === "uuid" || by === "partuuid" ? v.toLowerCase() : v };
  }
  const dmId = /^\/dev\/disk\/by-id\/dm-name-(.+)$/.exec(spec);
  const mapper = /^\/dev\/mapper\/(.+)$/.exec(spec) ?? dmId;
  if (mapper) {
    const lv = dmNameToLv(mapper[1]!);
    return lv ? { by: "lv", value: lv } : null;
  }
  const part = /^\/dev\/(?:sd|hd|vd|xvd)a(\d+)$/.exec(spec) ?? /^\/dev\/(?:nvme0n1|mmcblk0)p(\d+)$/.exec(spec);
  if (part) return { by: "partition", value: `p${part[1]}` };
  const vgLv = /^\/dev\/([^/]+)\/([^/]+)$/.exec(spec);
  if (vgLv && !["disk", "mapper", "md", "block", "char", "shm", "pts"].includes(vgLv[1]!)) return { by: "lv", value: `${vgLv[1]}/${vgLv[2]}` };
  return null;
}
