// dissect's linux/service, with fixed fields: the settings that matter in triage, whether and how the unit is
// enabled, and every file its settings came from.
import { defineRecord } from "quarry";

export const ServiceRecord = defineRecord("linux/service", {
  // the unit file's (or init script's) mtime
  ts: "datetime",
  // systemd, sysvinit, rc.local
  type: "string",
  // the unit's name (nginx.service, backup.timer), the init script's name
  name: "string",
  // system or user (a user unit: /etc/systemd/user, ~/.config/systemd/user, /usr/lib/systemd/user)
  scope: "string",
  // whose user unit it is (the home it lies in); null for system and global user units
  owner: "string",
  // systemctl list-unit-files' word: enabled, disabled, static, indirect, masked, alias, linked; for
  // init scripts enabled or disabled (an S link in /etc/rc?.d), for rc.local enabled when executable
  state: "string",
  // started at boot or with its target: a .wants/.requires/.upholds link to it (or an S link, an executable rc.local)
  enabled: "boolean",
  // the links that pull it in: /etc/systemd/system/multi-user.target.wants/x.service, /etc/rc2.d/S01x
  enabled_by: "path[]",
  description: "string",
  exec_start: "string[]",
  exec_start_pre: "string[]",
  exec_start_post: "string[]",
  exec_stop: "string[]",
  user: "string",
  group: "string",
  environment: "string[]",
  environment_file: "string[]",
  // [Service] Type=
  service_type: "string",
  on_calendar: "string[]",
  on_boot_sec: "string[]",
  on_unit_active_sec: "string[]",
  // [Timer] Unit= (the unit a timer starts; by default the timer's name with .service)
  timer_unit: "string",
  wanted_by: "string[]",
  required_by: "string[]",
  // the drop-ins merged into the settings, in systemd's order
  dropins: "path[]",
  // files of the same name lower in the search path, hidden by this one
  shadowed: "path[]",
  // where the unit file's symlink leads (an alias, a linked unit, /dev/null for a masked one)
  link_target: "path",
  filepath: "path",
});
