// The harness itself: it measures what it says (a run that allocates shows in peak RSS; a timeout is a kill;
// a signal reaches the child).
import { describe, expect, it } from "vitest";
import { runNode } from "./harness.js";

describe("hostile harness", () => {
  it("reports exit code, wall time and peak RSS", async () => {
    const r = await runNode(["-e", "const a = Buffer.alloc(200 * 1024 * 1024, 1); console.log(a[5]);"], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe("1\n");
    expect(r.peakRssMb).toBeGreaterThan(190);
  });

  it("kills a run past its ceiling", async () => {
    const r = await runNode(["-e", "for(;;);"], { timeoutMs: 1_000 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe("SIGKILL");
  });

  it("sends a signal once stderr shows a line", async () => {
    const r = await runNode(["-e", "console.error('ready'); setInterval(() => {}, 1000);"], {
      timeoutMs: 20_000,
      signal: { name: "SIGTERM", afterMs: 0, whenStderr: /ready/ },
    });
    expect(r.signal).toBe("SIGTERM");
    expect(r.afterSignalMs).not.toBeNull();
  });
});
