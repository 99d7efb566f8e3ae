// The built-in OS plugins, apart from the rest of the registry: Target detects the OS with them, and plugins
// that import the public API ("quarry", which exports Target) must not pull the whole registry into that cycle.
import unixOs from "./os/unix/_os.js";
import linuxOs from "./os/unix/linux/_os.js";

export const OS_PLUGINS = [unixOs, linuxOs];
