// Every built-in plugin. The registry reads their static declarations; nothing here runs plugin code.
import { Registry, Target, type MemoryTree, type OpenOptions } from "quarry";
import { OS_PLUGINS } from "./os.js";
import activity from "./os/unix/activity.js";
import architecture from "./os/unix/architecture.js";
import history from "./os/unix/history/index.js";
import users from "./os/unix/users.js";
import cronjobs from "./os/unix/cronjobs/index.js";
import services from "./os/unix/linux/services/index.js";
import environment from "./os/unix/environment.js";
import ldPreload from "./os/unix/linux/ld_preload.js";
import modulesLoad from "./os/unix/linux/modules_load.js";
import udevRules from "./os/unix/linux/udev_rules.js";
import atop from "./os/unix/log/atop/index.js";
import audit from "./os/unix/log/audit/index.js";
import journal from "./os/unix/log/journal/index.js";
import lastlog from "./os/unix/log/lastlog.js";
import lastlog2 from "./os/unix/log/lastlog2.js";
import authlog from "./os/unix/log/auth/index.js";
import messages from "./os/unix/log/messages/index.js";
import btmp from "./os/unix/log/utmp/btmp.js";
import utmp from "./os/unix/log/utmp/utmp.js";
import wtmp from "./os/unix/log/utmp/wtmp.js";
import sshAuthorizedKeys from "./os/unix/ssh/authorized_keys.js";
import sshKnownHosts from "./os/unix/ssh/known_hosts.js";
import sshPrivateKeys from "./os/unix/ssh/private_keys.js";
import sshdConfig from "./os/unix/ssh/sshd_config.js";
import shadow from "./os/unix/shadow.js";
import groups from "./os/unix/groups.js";
import sudoers from "./os/unix/sudoers/index.js";
import loginDefs from "./os/unix/login_defs.js";

import dpkg from "./os/unix/linux/debian/dpkg.js";
import apt from "./os/unix/linux/debian/apt.js";
import rpm from "./os/unix/linux/redhat/rpm.js";
import dnf from "./os/unix/linux/redhat/dnf.js";
import packages from "./os/unix/packages/index.js";
import network from "./os/unix/linux/network/index.js";
import installDate from "./os/unix/linux/install_date.js";
import snap from "./os/unix/linux/snap.js";
import yum from "./os/unix/linux/redhat/yum.js";
import logins from "./os/unix/log/logins/join/index.js";

export const PLUGINS = [
  ...OS_PLUGINS,
  architecture,
  activity,
  users,
  history,
  wtmp,
  btmp,
  utmp,
  lastlog,
  lastlog2,
  atop,
  journal,
  authlog,
  messages,
  audit,
  logins,
  sshAuthorizedKeys,
  sshKnownHosts,
  sshPrivateKeys,
  sshdConfig,
  shadow,
  groups,
  sudoers,
  loginDefs,
  cronjobs,
  services,
  environment,
  ldPreload,
  modulesLoad,
  udevRules,
  dpkg,
  apt,
  rpm,
  dnf,
  yum,
  snap,
  packages,
  network,
  installDate,
];

export const defaultRegistry = new Registry(PLUGINS);

/** Target.open with the built-in OS plugins detecting the OS (what the CLI does). */
export function openTarget(p: string, opts: OpenOptions = {}): Promise<Target> {
  return Target.open(p, { osPlugins: OS_PLUGINS, ...opts });
}

/** Target.fromTree with the built-in OS plugins (tests, crafted examples). */
export function targetFromTree(tree: MemoryTree, opts: { path?: string; id?: string } = {}): Target {
  return Target.fromTree(tree, { osPlugins: OS_PLUGINS, ...opts });
}
