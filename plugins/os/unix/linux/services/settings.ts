// The settings of a unit that matter in triage, merged as systemd merges a unit file and its drop-ins: a list
// setting (ExecStart, Environment, WantedBy, OnCalendar…) grows with each assignment and an empty one resets it;
// a single setting (Description, User, Type…) takes the last assignment, an empty one unsets it.
import type { Assignment } from "./unitfile.js";

export interface UnitSettings {
  description: string | null;
  exec_start: string[];
  exec_start_pre: string[];
  exec_start_post: string[];
  exec_stop: string[];
  user: string | null;
  group: string | null;
  environment: string[];
  environment_file: string[];
  service_type: string | null;
  on_calendar: string[];
  on_boot_sec: string[];
  on_unit_active_sec: string[];
  timer_unit: string | null;
  wanted_by: string[];
  required_by: string[];
  /** Whether an [Install] section says anything that `systemctl enable` acts on (else the unit is static). */
  installable: boolean;
  /** [Install] Also= only: enabling it enables others (systemctl's "indirect"). */
  also: string[];
  alias: string[];
}

type ListKey = { [K in keyof UnitSettings]: UnitSettings[K] extends string[] ? K : never }[keyof UnitSettings];
type OneKey = { [K in keyof UnitSettings]: UnitSettings[K] extends string | null ? K : never }[keyof UnitSettings];

// section → key → the setting it fills. Exec lines of a [Socket], [Mount] or [Swap] are no ExecStart.
const LISTS: Record<string, Record<string, ListKey>> = {
  Service: { ExecStart: "exec_start", ExecStartPre: "exec_start_pre", ExecStartPost: "exec_start_post", ExecStop: "exec_stop", Environment: "environment", EnvironmentFile: "environment_file" },
  Socket: { Environment: "environment", EnvironmentFile: "environment_file" },
  Timer: { OnCalendar: "on_calendar", OnBootSec: "on_boot_sec", OnUnitActiveSec: "on_unit_active_sec" },
  Install: { WantedBy: "wanted_by", RequiredBy: "required_by", Also: "also", Alias: "alias" },
};
const ONES: Record<string, Record<string, OneKey>> = {
  Unit: { Description: "description" },
  Service: { User: "user", Group: "group", Type: "service_type" },
  Socket: { User: "user", Group: "group" },
  Timer: { Unit: "timer_unit" },
};
// Install lists are blank-separated unit names, several per line; the others take one value per line.
const SPLIT = new Set<ListKey>(["wanted_by", "required_by", "also", "alias"]);

export function emptySettings(): UnitSettings {
  return {
    description: null,
    exec_start: [],
    exec_start_pre: [],
    exec_start_post: [],
    exec_stop: [],
    user: null,
    group: null,
    environment: [],
    environment_file: [],
    service_type: null,
    on_calendar: [],
    on_boot_sec: [],
    on_unit_active_sec: [],
    timer_unit: null,
    wanted_by: [],
    required_by: [],
    installable: false,
    also: [],
    alias: [],
  };
}

/** Apply one assignment (from the unit file or a drop-in, in systemd's order). */
export function apply(s: UnitSettings, a: Assignment): void {
  const list = LISTS[a.section]?.[a.key];
  if (list) {
    if (a.value === "") s[list] = [];
    else if (SPLIT.has(list)) s[list].push(...a.value.split(/[ \t]+/).filter(Boolean));
    else s[list].push(a.value);
  } else {
    const one = ONES[a.section]?.[a.key];
    if (one) s[one] = a.value === "" ? null : a.value;
  }
  if (a.section === "Install" && ["WantedBy", "RequiredBy", "UpheldBy", "Alias", "DefaultInstance"].includes(a.key) && a.value !== "") s.installable = true;
}
