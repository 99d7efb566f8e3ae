// What target-info says of a target: the OS plugin's answers, the property functions' (each with the file it
// came from), the accounts one can log in with, the loader and its mounts, and every warning. Properties are
// run through the runner as `target-query -f` runs them, so a property behaves the same in both tools.
import type { AnyRecord } from "../records/descriptor.js";
import type { RecordSink } from "../records/sinks/sink.js";
import type { Registry } from "../plugin/registry.js";
import { formatIssue, runOnTarget } from "../plugin/runner.js";
import type { Target } from "../target.js";
import type { Logger } from "../util/log.js";

/** Property functions target-info asks for, in the order it prints them; a registry without one skips it. */
export const PROPERTIES = ["ips", "architecture", "timezone", "install_date", "activity"] as const;
type Property = (typeof PROPERTIES)[number];

/** Shells that let nobody log in (a service account's). */
const NO_LOGIN = /(?:^|\/)(?:nologin|false|true|sync|halt|shutdown)$/;

export interface LoginUser {
  name: string;
  uid: number | null;
  home: string | null;
  shell: string;
}

export interface TargetDescription {
  path: string;
  id: string;
  loader: string;
  hostname: string | null;
  domain: string | null;
  os: string | null;
  version: string | null;
  ips: string[];
  architecture: string | null;
  timezone: string | null;
  install_date: string | null;
  last_activity: string | null;
  /** The file each property was read from (architecture: /bin/ls, …), where it says. */
  sources: Partial<Record<Property, string>>;
  users: LoginUser[];
  mounts: string[];
  /** A disk image's container, then its volumes (type, size, contents, mount point); empty for other targets. */
  layout: string[];
  /** What of the evidence could not be read at all (an encrypted or damaged disk volume): exit code 1. */
  unreadable: string[];
  warnings: string[];
}

class Collect implements RecordSink {
  readonly records: AnyRecord[] = [];
  write(rec: AnyRecord): void {
    this.records.push(rec);
  }
  async close(): Promise<void> {}
}

export async function describeTarget(t: Target, registry: Registry, log: Logger): Promise<TargetDescription> {
  const { groups } = registry.resolve([...PROPERTIES, "users"]);
  const sink = new Collect();
  const outcomes = await runOnTarget(t, groups, registry, sink, { log });
  const values = new Map<string, { value: string | null; filepath: string | null }>();
  const users: LoginUser[] = [];
  for (const r of sink.records) {
    if (r.function !== undefined && r.value !== undefined) {
      values.set(r.function as string, { value: r.value as string | null, filepath: (r.filepath as string | null) ?? null });
    } else if (typeof r.shell === "string" && r.shell && !NO_LOGIN.test(r.shell)) {
      users.push({ name: String(r.name), uid: (r.uid as number | null) ?? null, home: (r.home as string | null) ?? null, shell: r.shell });
    }
  }
  const sources: Partial<Record<Property, string>> = {};
  for (const p of PROPERTIES) {
    const f = values.get(p)?.filepath;
    if (f) sources[p] = f;
  }
  const value = (p: Property): string | null => values.get(p)?.value ?? null;
  const ips = value("ips");
  // What the properties found wrong belongs with the target's warnings (the log has shown them already).
  const propertyWarnings = outcomes.flatMap((o) => [...o.warnings, ...o.errors].map((i) => `${o.name}: ${formatIssue(i)}`));
  return {
    path: t.path,
    id: t.id,
    loader: t.loader,
    hostname: t.hostname,
    domain: t.domain,
    os: t.os,
    version: t.version,
    ips: ips ? ips.split(", ").filter(Boolean) : [],
    architecture: value("architecture"),
    timezone: value("timezone"),
    install_date: value("install_date"),
    last_activity: value("activity"),
    sources,
    users,
    mounts: t.fs.mountPoints.map((m) => `${m.point} (${m.kind})`),
    layout: [...t.layout],
    unreadable: [...t.unreadable],
    warnings: [...t.warnings, ...propertyWarnings],
  };
}
