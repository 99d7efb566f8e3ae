// MBR and GPT partition tables made by sfdisk and sgdisk, checked against the tools' own reports and against
// the SHA-256 of each partition as dd read it (fixtures/disk/volume/volumes.sha256).
import { describe, expect, it } from "vitest";
import { BufferSource } from "../../../src/fs/tar/source.js";
import { readGpt } from "../../../src/disk/volume/gpt.js";
import { findVolumes, scanVolumes } from "../../../src/disk/volume/index.js";
import { readMbr } from "../../../src/disk/volume/mbr.js";
import { DiskError } from "../../../src/disk/types.js";
import { image, report, sha256Of, sums, text } from "./fixtures.js";

interface SfdiskPart {
  node: string;
  start: number;
  size: number;
  type: string;
  bootable?: boolean;
  uuid?: string;
  name?: string;
}
interface Sfdisk {
  partitiontable: { label: string; id: string; partitions: SfdiskPart[] };
}

/** XOR one byte of an image. */
const flip = (b: Uint8Array, at: number, mask: number): void => {
  b[at] = b[at]! ^ mask;
};

const partNumber = (node: string): number => Number(/(\d+)$/.exec(node)![1]);

function expectSums(img: string, volumes: { name: string; offset: number | null; size: number; source: BufferSource | import("../../../src/disk/types.js").ByteSource }[], skip: string[] = []): void {
  const want = sums().filter((s) => s.image === img && !skip.includes(s.volume));
  expect(want.length).toBeGreaterThan(0);
  for (const s of want) {
    const v = volumes.find((x) => x.name === s.volume);
    expect(v, `${img} ${s.volume}`).toBeDefined();
    expect(v!.size).toBe(s.size);
    if (s.offset !== null) expect(v!.offset).toBe(s.offset);
    expect(sha256Of(v!.source), `${img} ${s.volume}`).toBe(s.sha256);
  }
}

describe("MBR (sfdisk)", () => {
  const sf = report<Sfdisk>("mbr.img.sfdisk.json").partitiontable;

  it("lists the primary and logical partitions as sfdisk does, without the extended container", () => {
    const disk = new BufferSource(image("mbr.img"));
    const volumes = findVolumes(disk, "mbr.img");
    const data = sf.partitions.filter((p) => p.type !== "5");
    expect(volumes.map((v) => v.name)).toEqual(data.map((p) => `p${partNumber(p.node)}`));
    for (const p of data) {
      const v = volumes.find((x) => x.name === `p${partNumber(p.node)}`)!;
      expect(v.offset).toBe(p.start * 512);
      expect(v.size).toBe(p.size * 512);
      expect(v.type.startsWith(`0x${p.type.padStart(2, "0")}`)).toBe(true);
      expect(v.partUuid).toBe(`${sf.id.slice(2)}-${partNumber(p.node).toString(16).padStart(2, "0")}`);
    }
    const table = readMbr(disk, "mbr.img");
    expect(table.diskSignature).toBe(Number(sf.id));
    for (const p of sf.partitions) expect(table.entries.find((e) => e.number === partNumber(p.node))!.bootable).toBe(p.bootable === true);
  });

  it("reads each partition's bytes as dd does", () => {
    expectSums("mbr.img", findVolumes(new BufferSource(image("mbr.img")), "mbr.img"), ["p3"]);
  });

  it("refuses an EBR chain that loops back on itself", () => {
    const b = image("mbr.img");
    const ext = sf.partitions.find((p) => p.type === "5")!.start;
    const dv = new DataView(b.buffer);
    // the second EBR (where the first one links) is made to link back to the first
    const second = ext + dv.getUint32(ext * 512 + 446 + 16 + 8, true);
    dv.setUint32(second * 512 + 446 + 16 + 8, 0, true);
    b[second * 512 + 446 + 16 + 4] = 0x05;
    dv.setUint32(second * 512 + 446 + 16 + 12, 2048, true);
    expect(() => findVolumes(new BufferSource(b), "mbr.img")).toThrow(/EBR chain loops back to sector 8192/);
  });

  it("a truncated image: partitions past its end are skipped or cut there, as problems naming the entry's byte", () => {
    const whole = image("mbr.img");
    const cut = scanVolumes([{ source: new BufferSource(whole.subarray(0, 15 * 1024 * 1024)), where: "mbr.img" }]);
    expect(cut.volumes.map((v) => [v.name, v.size])).toEqual(sf.partitions.filter((p) => p.type !== "5").map((p) => [`p${partNumber(p.node)}`, p.type === "c" ? 1024 * 1024 : p.size * 512]));
    expect(cut.problems.map((p) => [p.offset, p.message])).toEqual([[446 + 16 * 3, expect.stringMatching(/partition 4 \(sectors 28672\+4096\) runs past the end of the disk \(15728640 bytes; a truncated image\?\): cut to 1048576 bytes$/)]]);
    const inside = sums().filter((x) => x.image === "mbr.img" && x.volume !== "p3" && x.volume !== "p4");
    for (const s of inside) expect(sha256Of(cut.volumes.find((v) => v.name === s.volume)!.source)).toBe(s.sha256);
    const shorter = scanVolumes([{ source: new BufferSource(whole.subarray(0, 14 * 1024 * 1024)), where: "mbr.img" }]);
    expect(shorter.volumes.map((v) => v.name)).toEqual(["p1", "p2", "p5", "p6", "p7"]);
    expect(shorter.problems.map((p) => p.message)).toEqual([expect.stringMatching(/partition 4 .* starts past the end of the disk .*: skipped$/)]);
    expect(() => findVolumes(new BufferSource(whole.subarray(0, 14 * 1024 * 1024)), "mbr.img")).toThrow(DiskError);
  });
});

describe("GPT (sgdisk)", () => {
  const sf = report<Sfdisk>("gpt.img.sfdisk.json").partitiontable;
  const sgdiskNames = new Map<number, string>();
  for (const m of text("gpt.img.sgdisk.txt").matchAll(/--- partition (\d+)\nPartition GUID code: [0-9A-F-]+ \(([^)]+)\)/g)) sgdiskNames.set(Number(m[1]), m[2]!);

  function check(volumes: ReturnType<typeof findVolumes>): void {
    expect(volumes.map((v) => v.name)).toEqual(sf.partitions.map((p) => `p${partNumber(p.node)}`));
    for (const p of sf.partitions) {
      const n = partNumber(p.node);
      const v = volumes.find((x) => x.name === `p${n}`)!;
      expect(v.offset).toBe(p.start * 512);
      expect(v.size).toBe(p.size * 512);
      expect(v.partUuid).toBe(p.uuid!.toLowerCase());
      expect(v.partLabel).toBe(p.name);
      expect(v.type).toBe(sgdiskNames.get(n));
    }
  }

  it("lists the partitions with their GUIDs, names (UTF-16) and types as sfdisk and sgdisk report them", () => {
    const disk = new BufferSource(image("gpt.img"));
    check(findVolumes(disk, "gpt.img"));
    const t = readGpt(disk, "gpt.img");
    expect(t.copy).toBe("primary");
    expect(t.diskGuid).toBe(sf.id.toLowerCase());
    for (const e of t.entries) expect(e.typeGuid).toBe(sf.partitions.find((p) => partNumber(p.node) === e.number)!.type.toLowerCase());
  });

  it("reads each partition's bytes as dd does", () => {
    expectSums("gpt.img", findVolumes(new BufferSource(image("gpt.img")), "gpt.img"));
  });

  it("uses the backup GPT when the primary header is damaged", () => {
    const b = image("gpt.img");
    flip(b, 512 + 60, 0x40); // inside the disk GUID: the header CRC no longer matches
    const disk = new BufferSource(b);
    check(findVolumes(disk, "gpt.img"));
    const t = readGpt(disk, "gpt.img");
    expect(t.copy).toBe("backup");
    expect(t.damage).toMatch(/primary GPT at byte 528: header CRC32/);
  });

  it("uses the backup GPT when the primary header is wiped (the protective MBR says GPT)", () => {
    const b = image("gpt.img");
    b.fill(0, 512, 1024);
    const disk = new BufferSource(b);
    check(findVolumes(disk, "gpt.img"));
    expect(readGpt(disk, "gpt.img").damage).toMatch(/primary GPT at byte 512: no "EFI PART" signature/);
  });

  it("a protective MBR entry that claims more than the disk (0xFFFFFFFF sectors, as past 2 TiB) is no damage", () => {
    const b = image("gpt.img");
    expect(b[446 + 4]).toBe(0xee);
    new DataView(b.buffer).setUint32(446 + 12, 0xffffffff, true);
    check(findVolumes(new BufferSource(b), "gpt.img"));
  });

  it("uses the backup GPT when the primary entries are damaged", () => {
    const b = image("gpt.img");
    flip(b, 1024 + 128 + 40, 1); // partition 2's EndingLBA
    const disk = new BufferSource(b);
    check(findVolumes(disk, "gpt.img"));
    expect(readGpt(disk, "gpt.img").damage).toMatch(/primary GPT at byte 1024: partition entries CRC32/);
  });

  it("a valid MBR without a protective entry wins over a stale GPT header at LBA 1 (as Linux decides)", () => {
    const b = image("gpt.img");
    b.set(image("mbr.img").subarray(0, 512), 0);
    b.fill(0, 446 + 32, 446 + 48); // without its extended entry: this disk has no EBRs
    const volumes = findVolumes(new BufferSource(b), "gpt.img");
    expect(volumes.map((v) => v.name)).toEqual(["p1", "p2", "p4"]);
    expect(volumes[0]!.type).toBe("0x83 (Linux)");
  });

  it("a wiped sector 0 with the GPT header still at LBA 1 is GPT", () => {
    const b = image("gpt.img");
    b.fill(0, 0, 512);
    check(findVolumes(new BufferSource(b), "gpt.img"));
  });

  it("a truncated image: the primary is read, the partition past the end is cut there (the backup is gone with the end)", () => {
    const b = image("gpt.img").subarray(0, 12 * 1024 * 1024);
    const scan = scanVolumes([{ source: new BufferSource(b), where: "gpt.img" }]);
    expect(scan.volumes.map((v) => [v.name, v.offset, v.size])).toEqual(
      sf.partitions.map((p) => [`p${partNumber(p.node)}`, p.start * 512, Math.min(p.size * 512, b.length - p.start * 512)]),
    );
    expect(scan.problems.map((p) => p.message)).toEqual([expect.stringMatching(/partition 4 \(LBAs 22528\.\.32734\) runs past the end of the disk \(24576 sectors; a truncated image\?\): cut at LBA 24575$/)]);
    for (const s of sums().filter((x) => x.image === "gpt.img" && x.volume !== "p4")) {
      expect(sha256Of(scan.volumes.find((v) => v.name === s.volume)!.source)).toBe(s.sha256);
    }
  });

  it("refuses a disk whose two copies are both damaged", () => {
    const b = image("gpt.img");
    flip(b, 512 + 60, 0x40);
    flip(b, b.length - 512 + 60, 0x40);
    expect(() => findVolumes(new BufferSource(b), "gpt.img")).toThrow(/no usable GPT: primary GPT at byte 528: .*; backup GPT at byte 16776720: header CRC32/);
  });
});

describe("no partition table", () => {
  it("a bare ext4 is the whole disk", () => {
    const volumes = findVolumes(new BufferSource(image("bare-ext4.img")), "bare-ext4.img");
    expect(volumes.map((v) => [v.name, v.offset, v.type])).toEqual([["disk", 0, "none"]]);
    expectSums("bare-ext4.img", volumes);
  });
});

describe("GPT with 4096-byte sectors (sgdisk on a loop device with -b 4096)", () => {
  const sf = report<Sfdisk & { partitiontable: { sectorsize: number } }>("gpt4k.img.sfdisk.json").partitiontable;

  it("finds the header at byte 4096 and reads the partitions in 4 KiB sectors", () => {
    const disk = new BufferSource(image("gpt4k.img"));
    const t = readGpt(disk, "gpt4k.img");
    expect(t.sectorSize).toBe(sf.sectorsize);
    expect(t.diskGuid).toBe(sf.id.toLowerCase());
    const volumes = findVolumes(disk, "gpt4k.img");
    expect(volumes.map((v) => [v.name, v.offset, v.size, v.partUuid, v.partLabel])).toEqual(
      sf.partitions.map((p) => [`p${partNumber(p.node)}`, p.start * 4096, p.size * 4096, p.uuid!.toLowerCase(), p.name]),
    );
    expectSums("gpt4k.img", volumes);
  });

  it("uses the backup at the last 4 KiB sector when the primary is damaged", () => {
    const b = image("gpt4k.img");
    flip(b, 4096 + 60, 0x40);
    const t = readGpt(new BufferSource(b), "gpt4k.img");
    expect(t.copy).toBe("backup");
    expect(t.entries.map((e) => e.offset)).toEqual(sf.partitions.map((p) => p.start * 4096));
  });
});
