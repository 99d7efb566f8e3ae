// The unix/Linux OS plugins on config files that are too large or hold no name: bounded reads, and a
// hostname that is none is null with a target warning, never copied into every record.
import { describe, expect, it } from "vitest";
import { dir } from "../../../../src/fs/memory.js";
import { CONFIG_FILE_LIMIT, notAName } from "../../../../plugins/os/unix/_os.js";
import { targetFromTree } from "../../../../plugins/index.js";

const linuxBase = { "/etc": dir(), "/var/log": dir(), "/run": dir() };

describe("hostname and domain plausibility", () => {
  it("a name is at most 253 bytes, without control characters or spaces", () => {
    expect(notAName("web01.example.org")).toBe(null);
    expect(notAName("under_score-ok")).toBe(null);
    expect(notAName("a".repeat(253))).toBe(null);
    expect(notAName("a".repeat(254))).toBe("254 bytes, more than 253");
    expect(notAName("é".repeat(127))).toBe("254 bytes, more than 253");
    expect(notAName("web\x1b]0;pwned\x07")).toBe("it holds control characters");
    expect(notAName("web\x7f")).toBe("it holds control characters");
    expect(notAName("web\u009b1m")).toBe("it holds control characters");
    expect(notAName("my\u00a0host")).toBe("it holds spaces");
  });

  it("an /etc/hostname of 10 MB is no hostname: null, one warning, and the next source is asked", () => {
    const big = "a".repeat(10 * 1024 * 1024) + "\n";
    const t = targetFromTree({ ...linuxBase, "/etc/hostname": big });
    expect([t.hostname, t.domain]).toEqual([null, null]);
    expect(t.warnings).toEqual([`/etc/hostname: ${big.length} bytes, and no line end in the first ${CONFIG_FILE_LIMIT}: not a config file, not read`]);
    const u = targetFromTree({ ...linuxBase, "/etc/hostname": "b".repeat(300) + "\n", "/etc/HOSTNAME": "fallback\n" });
    expect(u.hostname).toBe("fallback");
    expect(u.warnings).toEqual([`/etc/hostname: not a hostname (300 bytes, more than 253): "${"b".repeat(40)}"…; ignored`]);
  });

  it("a hostname with ESC or BEL bytes is null with a warning that shows them escaped", () => {
    const t = targetFromTree({ ...linuxBase, "/etc/hostname": "web\x1b]0;pwned\x07\x1b[8m\n" });
    expect(t.hostname).toBe(null);
    expect(t.warnings).toEqual(['/etc/hostname: not a hostname (it holds control characters): "web\\u001b]0;pwned\\u0007\\u001b[8m"; ignored']);
    expect(t.warnings.join("")).not.toMatch(/[\x1b\x07]/);
  });

  it("the domain from a dotted name or /etc/hosts gets the same check", () => {
    const t = targetFromTree({ ...linuxBase, "/etc/hostname": "mail\n", "/etc/hosts": `127.0.1.1 mail.${"x".repeat(300)} mail\n` });
    expect([t.hostname, t.domain]).toEqual(["mail", null]);
    expect(t.warnings[0]).toMatch(/^\/etc\/hosts line 1: not a hostname \(305 bytes, more than 253\)/);
    const u = targetFromTree({ ...linuxBase, "/etc/hosts": "127.0.1.1 evil\x1b[2J.example.org\n" });
    expect([u.hostname, u.domain]).toEqual([null, null]);
  });

  it("a long first line of a config file: only its whole lines within the budget are read, with a warning", () => {
    const release = 'NAME="Debian GNU/Linux"\nVERSION="12 (bookworm)"\n' + "#".repeat(CONFIG_FILE_LIMIT) + "\n";
    const t = targetFromTree({ ...linuxBase, "/etc/hostname": "web01\n", "/etc/os-release": release });
    expect([t.hostname, t.version]).toEqual(["web01", "Debian GNU/Linux 12 (bookworm)"]);
    expect(t.warnings).toEqual([`/etc/os-release: ${release.length} bytes, more than a config file holds; only the first 48 bytes (whole lines) were read`]);
  });

  it("a good target has no warnings", () => {
    const t = targetFromTree({ ...linuxBase, "/etc/hostname": "web01\n", "/etc/hosts": "127.0.0.1 localhost\n127.0.1.1 web01.example.org web01\n" });
    expect([t.hostname, t.domain, t.warnings]).toEqual(["web01", "example.org", []]);
  });
});
