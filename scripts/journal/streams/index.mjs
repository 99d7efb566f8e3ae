// Every stream the fixtures are written from, by name (write-stream.mjs NAME).
import { HOUR, MIN, SEC, byBootThenMonotonic } from "../lib/host.mjs";
import { fillers } from "./fillers.mjs";
import { containerJournal, namespaceJournal, runtimeJournal, userJournal } from "./tree.mjs";
import { variety } from "./variety.mjs";
import { web01 } from "./web01.mjs";

function ordered({ journal, boots }) {
  return byBootThenMonotonic(journal.entries, boots);
}

/**
 * saturn's system journal in the tree: the variety corpus with a busy server's traffic. Boot 1 is what the
 * writer had written when it was killed (the dirty file); boots 2 and 3 fill the files it rotates through next.
 */
function busy() {
  const v = variety();
  const [b1, b2, b3] = v.boots;
  fillers(v.journal, b1, { from: 10 * SEC, to: 62 * MIN, perMinute: 1, nginxEvery: 1, cronEvery: 20, cronPid: 5000 });
  fillers(v.journal, b2, { from: 50 * SEC, to: 2 * HOUR + 9 * MIN, perMinute: 2, cronPid: 6000 });
  fillers(v.journal, b3, { from: 40 * SEC, to: 90 * MIN, perMinute: 2, cronPid: 7000 });
  return { entries: ordered(v), firstBoot: b1.id };
}

export const streams = {
  variety: () => ordered(variety()),
  "system-until-crash": () => {
    const { entries, firstBoot } = busy();
    return entries.filter((e) => e.boot === firstBoot);
  },
  "system-after-crash": () => {
    const { entries, firstBoot } = busy();
    return entries.filter((e) => e.boot !== firstBoot);
  },
  "user-1000": () => ordered(userJournal()),
  "namespace-batch": () => ordered(namespaceJournal()),
  container: () => ordered(containerJournal()),
  runtime: () => ordered(runtimeJournal()),
  web01: () => ordered(web01()),
};

/** web01 in two runs of the writer: boots 1-2 (it crashed: the file stays online), then boots 3-4. */
function web01Part(first) {
  const w = web01();
  const crashed = new Set(w.boots.slice(0, 2).map((b) => b.id));
  return ordered(w).filter((e) => crashed.has(e.boot) === first);
}
streams["web01-until-crash"] = () => web01Part(true);
streams["web01-after-crash"] = () => web01Part(false);
