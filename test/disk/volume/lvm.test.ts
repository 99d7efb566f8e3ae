// LVM2 made by pvcreate/vgcreate/lvcreate/lvextend/lvremove (activation disabled: no device-mapper here): the
// PVs, VG and LVs checked against pvs/vgs/lvs --reportformat json, and each LV's bytes against the SHA-256 of
// its extents as dd read them at the places `lvs --segments -o seg_pe_ranges` reports.
import { describe, expect, it } from "vitest";
import { BufferSource } from "../../../src/fs/tar/source.js";
import { findVolumes, partitions, scanVolumes } from "../../../src/disk/volume/index.js";
import { readPvLabel } from "../../../src/disk/volume/lvm-label.js";
import { parseVg } from "../../../src/disk/volume/lvm.js";
import { DiskError } from "../../../src/disk/types.js";
import { image, report, sha256Of, sums, text } from "./fixtures.js";

interface Report<K extends string, T> {
  report: Record<K, T[]>[];
}
type Pv = { pv_name: string; pv_uuid: string; vg_name: string; dev_size: string; pe_start: string; pv_pe_count: string };
type Vg = { vg_name: string; vg_uuid: string; vg_extent_size: string; vg_seqno: string; lv_count: string };
type Lv = { lv_name: string; lv_size: string; vg_name: string };
type Seg = { lv_name: string; seg_start_pe: string; seg_size_pe: string; segtype: string; stripes: string; stripe_size: string; seg_pe_ranges: string };

const rows = <K extends string, T>(r: Report<K, T>, k: K): T[] => r.report[0]![k];

describe("LVM2 on two GPT partitions", () => {
  const pvs = rows(report<Report<"pv", Pv>>("lvm.img.pvs.json"), "pv");
  const vg = rows(report<Report<"vg", Vg>>("lvm.img.vgs.json"), "vg")[0]!;
  const lvs = rows(report<Report<"lv", Lv>>("lvm.img.lvs.json"), "lv");
  const segs = rows(report<Report<"seg", Seg>>("lvm.img.segs.json"), "seg");

  it("finds the PVs the tools report, with their UUIDs", () => {
    const disk = new BufferSource(image("lvm.img"));
    const parts = partitions(disk, "lvm.img");
    for (const pv of pvs) {
      const part = parts.find((p) => `lvm.img:${p.name}` === pv.pv_name)!;
      const label = readPvLabel(part.source, pv.pv_name);
      expect(label.uuid).toBe(pv.pv_uuid);
      expect(label.deviceSize).toBe(Number(pv.dev_size));
      expect(label.metadata).toHaveLength(1);
    }
  });

  it("reads the newest metadata copy (seqno as vgs reports it): the removed LV is gone, the extended one has its last segment", () => {
    const disk = new BufferSource(image("lvm.img"));
    const part = partitions(disk, "lvm.img")[0]!;
    const m = readPvLabel(part.source, "p1").metadata[0]!;
    const meta = parseVg(m.text, "p1", m.offset);
    expect(meta.name).toBe(vg.vg_name);
    expect(meta.id).toBe(vg.vg_uuid);
    expect(meta.seqno).toBe(Number(vg.vg_seqno));
    expect(meta.extentBytes).toBe(Number(vg.vg_extent_size));
    expect(meta.lvs.map((l) => l.name).sort()).toEqual(lvs.map((l) => l.lv_name).sort());
    // the segments as lvs --segments lists them
    for (const s of segs) {
      const lv = meta.lvs.find((l) => l.name === s.lv_name)!;
      const seg = lv.segments.find((x) => x.startExtent === Number(s.seg_start_pe))!;
      expect(seg.extentCount).toBe(Number(s.seg_size_pe));
      expect(seg.stripes.length).toBe(Number(s.stripes));
      expect(seg.chunk).toBe(Number(s.stripe_size));
    }
  });

  it("lists the partitions, then the LVs with their sizes; reads each LV's bytes as dd reads its extents", () => {
    const volumes = findVolumes(new BufferSource(image("lvm.img")), "lvm.img");
    expect(volumes.map((v) => v.name)).toEqual(["p1", "p2", ...lvs.map((l) => `${l.vg_name}/${l.lv_name}`)]);
    expect(volumes.slice(0, 2).map((v) => v.type)).toEqual(["Linux LVM", "Linux LVM"]);
    for (const l of lvs) {
      const v = volumes.find((x) => x.name === `${l.vg_name}/${l.lv_name}`)!;
      expect(v.size).toBe(Number(l.lv_size));
      expect(v.offset).toBeNull();
    }
    expect(volumes.find((v) => v.name === "vgq/stripe")!.type).toBe("LVM2 striped");
    expect(volumes.find((v) => v.name === "vgq/root")!.type).toBe("LVM2 linear");
    const want = sums().filter((s) => s.image === "lvm.img");
    expect(want.filter((s) => s.offset === null)).toHaveLength(3);
    for (const s of want) {
      const v = volumes.find((x) => x.name === s.volume)!;
      expect(v.size, s.volume).toBe(s.size);
      expect(sha256Of(v.source), s.volume).toBe(s.sha256);
      // and in reads that cross extents, segments and stripe chunks at odd places
      expect(sha256Of(v.source, [65535, 3, 1048577, 131072 + 7]), s.volume).toBe(s.sha256);
    }
  });

  it("an LV on a PV that is not there is a problem; the others still read", () => {
    const b = image("lvm.img");
    // the second partition's label is wiped: pv1 is missing
    const p2 = partitions(new BufferSource(b), "lvm.img")[1]!;
    b.fill(0, p2.offset! + 512, p2.offset! + 1024);
    const scan = scanVolumes([{ source: new BufferSource(b), where: "lvm.img" }]);
    // root, stripe and var-log each have extents on pv1
    expect(scan.volumes.filter((v) => v.name.startsWith("vgq/"))).toEqual([]);
    expect(scan.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^vgq\/root: PV .* \(pv1 of VG vgq\) is missing$/),
      expect.stringMatching(/^vgq\/stripe: PV .* is missing$/),
      expect.stringMatching(/^vgq\/var-log: PV .* is missing$/),
    ]);
    expect(() => findVolumes(new BufferSource(b), "lvm.img")).toThrow(DiskError);
  });

  it("a damaged metadata text is refused by its checksum", () => {
    const b = image("lvm.img");
    const p1 = partitions(new BufferSource(b), "lvm.img")[0]!;
    const m = readPvLabel(p1.source, "p1").metadata[0]!;
    const at = p1.offset! + m.offset + m.text.indexOf("extent_size");
    b[at] = 0x45;
    const label = readPvLabel(new BufferSource(b.subarray(p1.offset!, p1.offset! + p1.size)), "p1");
    expect(label.metadata).toEqual([]);
    expect(label.damage.map((e) => e.message)).toEqual([expect.stringMatching(/^p1 at byte \d+: metadata text checksum/)]);
    // pv1's copy (the same seqno) still gives the VG
    const scan = scanVolumes([{ source: new BufferSource(b), where: "lvm.img" }]);
    expect(scan.volumes.map((v) => v.name)).toEqual(["p1", "p2", "vgq/root", "vgq/stripe", "vgq/var-log"]);
    expect(scan.problems).toHaveLength(1);
  });
});

describe("LVM2 on a bare disk", () => {
  const segs = rows(report<Report<"seg", Seg & { lv_uuid: string }>>("lvm-bare.img.segs.json"), "seg");

  it("the disk is the PV; its LVs read as dd reads their extents", () => {
    const volumes = findVolumes(new BufferSource(image("lvm-bare.img")), "lvm-bare.img");
    expect(volumes.map((v) => [v.name, v.type])).toEqual([
      ["disk", "LVM2 member"],
      ...segs.map((s) => [`vgbare/${s.lv_name}`, "LVM2 linear"]),
    ]);
    for (const s of sums().filter((x) => x.image === "lvm-bare.img")) {
      const v = volumes.find((x) => x.name === s.volume)!;
      expect(v.size).toBe(s.size);
      expect(sha256Of(v.source)).toBe(s.sha256);
    }
  });
});

describe("LVM2 metadata that wraps around its ring buffer", () => {
  const vg = rows(report<Report<"vg", { vg_name: string; vg_seqno: string; lv_count: string }>>("lvm-wrap.img.vgs.json"), "vg")[0]!;
  const segs = rows(report<Report<"seg", { lv_name: string; lv_size: string }>>("lvm-wrap.img.segs.json"), "seg");

  it("reads the newest copy across the area's end (lvm2's own checksum of the text agrees)", () => {
    // the header as lvm2 left it: current copy at 0x7a00, 0xffb bytes, in a 0x8000-byte area
    const header = text("lvm-wrap.img.mda-header.txt");
    expect(header).toMatch(/^0000032 00 80 00 00 00 00 00 00 00 7a 00 00/m);
    const disk = new BufferSource(image("lvm-wrap.img"));
    const label = readPvLabel(disk, "lvm-wrap.img");
    expect(label.damage).toEqual([]);
    const m = label.metadata[0]!;
    const meta = parseVg(m.text, "lvm-wrap.img", m.offset);
    expect(meta.seqno).toBe(Number(vg.vg_seqno));
    expect(meta.lvs).toHaveLength(Number(vg.lv_count));
    const volumes = findVolumes(disk, "lvm-wrap.img");
    const lvNames = volumes.slice(1).map((v) => v.name);
    expect([...lvNames].sort()).toEqual(segs.map((s) => `vgwrap/${s.lv_name}`).sort());
    for (const s of sums().filter((x) => x.image === "lvm-wrap.img")) {
      expect(sha256Of(volumes.find((v) => v.name === s.volume)!.source)).toBe(s.sha256);
    }
  });
});

describe("one VG across two disk images", () => {
  const segs = rows(report<Report<"seg", Seg & { lv_size: string }>>("lvm-ab.segs.json"), "seg");
  const disks = () => [
    { source: new BufferSource(image("lvm-a.img")), where: "lvm-a.img" },
    { source: new BufferSource(image("lvm-b.img")), where: "lvm-b.img" },
  ];

  it("scanned together: both PVs, then the LVs that span them, read as dd reads their extents", () => {
    const scan = scanVolumes(disks());
    expect(scan.problems).toEqual([]);
    expect(scan.volumes.map((v) => [v.name, v.type])).toEqual([
      ["disk", "LVM2 member"],
      ["disk", "LVM2 member"],
      ["vgx/long", "LVM2 linear"],
      ["vgx/wide", "LVM2 striped"],
    ]);
    for (const s of sums().filter((x) => x.image === "lvm-ab")) {
      const v = scan.volumes.find((x) => x.name === s.volume)!;
      expect(v.size).toBe(Number(segs.find((x) => `vgx/${x.lv_name}` === s.volume)!.lv_size));
      expect(sha256Of(v.source), s.volume).toBe(s.sha256);
    }
  });

  it("one disk alone: its LVs are problems naming the missing PV", () => {
    const scan = scanVolumes(disks().slice(0, 1));
    expect(scan.volumes.map((v) => v.name)).toEqual(["disk"]);
    expect(scan.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^vgx\/long: PV \S+ \(pv1 of VG vgx\) is missing$/),
      expect.stringMatching(/^vgx\/wide: PV \S+ \(pv1 of VG vgx\) is missing$/),
    ]);
  });
});

describe("a PV with two metadata areas (pvcreate --pvmetadatacopies 2)", () => {
  const pvs = rows(report<Report<"pv", Pv & { pv_mda_count: string }>>("lvm-ab.pvs.json"), "pv");

  it("reads both copies; with the first area damaged, the one at the end still describes the VG", () => {
    const b = image("lvm-b.img");
    const label = readPvLabel(new BufferSource(b), "lvm-b.img");
    expect(label.uuid).toBe(pvs.find((p) => p.pv_name === "lvm-b.img")!.pv_uuid);
    expect(label.metadata).toHaveLength(Number(pvs.find((p) => p.pv_name === "lvm-b.img")!.pv_mda_count));
    const [first, second] = label.metadata.map((m) => parseVg(m.text, "lvm-b.img", m.offset));
    expect(second!.seqno).toBe(first!.seqno);
    expect(label.metadata[1]!.offset).toBeGreaterThan(b.length - 1024 * 1024);
    b[4096 + 100] = b[4096 + 100]! ^ 1; // the first area's header
    const damaged = readPvLabel(new BufferSource(b), "lvm-b.img");
    expect(damaged.metadata).toHaveLength(1);
    expect(damaged.damage.map((e) => e.message)).toEqual([expect.stringMatching(/^lvm-b\.img at byte 4096: metadata area header checksum/)]);
    const scan = scanVolumes([
      { source: new BufferSource(image("lvm-a.img")), where: "lvm-a.img" },
      { source: new BufferSource(b), where: "lvm-b.img" },
    ]);
    expect(scan.volumes.map((v) => v.name)).toEqual(["disk", "disk", "vgx/long", "vgx/wide"]);
  });
});
