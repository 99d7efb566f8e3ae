// Every built-in plugin. The registry reads their static declarations; nothing here runs plugin code.
import { Registry } from "../src/plugin/registry.js";
import { OS_PLUGINS } from "./os.js";
import history from "./os/unix/history.js";
import users from "./os/unix/users.js";
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
import logins from "./os/unix/log/logins/join/index.js";

export const PLUGINS = [...OS_PLUGINS, users, history, wtmp, btmp, utmp, lastlog, lastlog2, atop, journal, authlog, messages, audit, logins];

export const defaultRegistry = new Registry(PLUGINS);
