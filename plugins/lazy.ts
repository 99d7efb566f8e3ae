// The built-in registry as the command-line tools use it: the OS plugins (target detection needs them) and every
// other built-in as a lazy plugin, its module imported only when one of its functions is chosen. Same plugins,
// names, order and functions as plugins/index.ts (test/plugins/manifest.test.ts); only start-up differs.
import { lazyPlugin, Registry } from "quarry";
import { OS_PLUGINS } from "./os.js";
import { BUILTIN_MANIFEST } from "./manifest.generated.js";

export const LAZY_PLUGINS = [...OS_PLUGINS, ...BUILTIN_MANIFEST.map(([manifest, load]) => lazyPlugin(manifest, load))];

export const lazyRegistry = new Registry(LAZY_PLUGINS);
