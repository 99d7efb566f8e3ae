// Every built-in plugin. The registry reads their static declarations; nothing here runs plugin code.
import { Registry } from "../src/plugin/registry.js";
import { OS_PLUGINS } from "./os.js";
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

export const PLUGINS = [...OS_PLUGINS, users, history, cronjobs, services, environment, ldPreload, modulesLoad, udevRules, wtmp, btmp, utmp, lastlog, lastlog2, atop, journal, authlog, messages, audit];

export const defaultRegistry = new Registry(PLUGINS);
