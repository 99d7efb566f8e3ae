// systemd-logind (src/login/logind-session.c, logind-seat.c, logind-dbus.c): session starts and ends, seats, and
// the power actions it performs.
import type { AuthFields } from "./records.js";

// "New session %s of user %s." (systemd ≤ 255), "New session '%s' of user '%s' with class '%s' and type '%s'." (256+)
const NEW = /^New session '?([^'\s]+)'? of user '?(.+?)'?(?: with class '([^']*)' and type '([^']*)')?\.$/s;
const LOGGED_OUT = /^Session (\S+) logged out\. Waiting for processes to exit\.$/;
const REMOVED = /^Removed session (\S+)\.$/;
const SEAT = /^(New|Removed) seat (\S+)\.$/;
const POWER: Record<string, string> = {
  "System is rebooting.": "rebooting",
  "System is powering down.": "powering down",
  "System is halting.": "halting",
  "System is suspending.": "suspending",
  "System is hibernating.": "hibernating",
  "Power key pressed.": "power key pressed",
  "Power key pressed short.": "power key pressed",
  "Power key pressed long.": "power key pressed long",
};

export function parseLogind(message: string, f: AuthFields): void {
  let m: RegExpExecArray | null;
  if ((m = NEW.exec(message))) {
    f.action = "new session";
    f.session = m[1]!;
    f.user = m[2]!;
  } else if ((m = LOGGED_OUT.exec(message))) {
    f.action = "logged out session";
    f.session = m[1]!;
  } else if ((m = REMOVED.exec(message))) {
    f.action = "removed session";
    f.session = m[1]!;
  } else if ((m = SEAT.exec(message))) {
    f.action = `${m[1]!.toLowerCase()} seat`;
  } else {
    const p = POWER[message];
    if (p) f.action = p;
  }
}
