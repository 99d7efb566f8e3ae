// What each fixture volume holds, named without a filesystem reader, against what `blkid -p` found there
// (fixtures/disk/volume/blkid.txt): swap, LVM2 members, a bare ext4; the filler data is unknown.
import { describe, expect, it } from "vitest";
import { openFilesystems } from "../../../src/disk/assemble.js";
import { scanVolumes } from "../../../src/disk/volume/index.js";
import { BufferSource } from "../../../src/fs/tar/source.js";
import { image, text } from "./fixtures.js";

const blkid = new Map<string, Map<string, string>>();
for (const line of text("blkid.txt").split("\n").filter(Boolean)) {
  const [key, rest] = line.split(": ") as [string, string];
  blkid.set(key, new Map(rest.trim().split(/ (?=[A-Z_]+=)/).filter(Boolean).map((kv) => kv.split("=", 2) as [string, string])));
}

const KIND: Record<string, string> = { swap: "swap", LVM2_member: "lvm", ext4: "unsupported" };

describe("recognising volumes (blkid oracle)", () => {
  for (const img of ["mbr.img", "gpt.img", "lvm.img", "lvm-bare.img", "lvm-wrap.img", "bare-ext4.img"]) {
    it(img, () => {
      const scan = scanVolumes([{ source: new BufferSource(image(img)), where: img }]);
      const partitions = scan.volumes.filter((v) => v.offset !== null);
      const contents = openFilesystems(partitions.map((volume) => ({ disk: img, volume })), []);
      for (const c of contents) {
        const found = blkid.get(`${img} ${c.volume.name}`);
        expect(found, `${img} ${c.volume.name}`).toBeDefined();
        const type = found!.get("TYPE");
        expect(c.kind, `${img} ${c.volume.name}`).toBe(type ? KIND[type] : "unknown");
        if (c.kind === "unsupported") expect(c.name).toBe(type);
        if (c.kind === "unknown") expect(c.message).toMatch(/^\S+ p\d+: unknown filesystem, first bytes [0-9a-f]{2}( [0-9a-f]{2}){15}$/);
      }
    });
  }
});
