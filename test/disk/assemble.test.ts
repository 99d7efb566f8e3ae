// Assembly with fake filesystems (MemoryBackend trees behind a FilesystemType): the root is the one with /etc
// and /var, fstab places the others by UUID=/LABEL=/PARTUUID=/PARTLABEL=//dev/mapper//dev/<vg>/<lv>//dev/sdaN,
// and what fstab does not place is under /$fs$/<name>. Volumes nothing reads are named by their magic.
import { describe, expect, it } from "vitest";
import { assemble, openFilesystems, type DiskVolume, type VolumeContent } from "../../src/disk/assemble.js";
import { dmNameToLv, lvToDmName, parseFstab, specKey } from "../../src/disk/fstab.js";
import { DiskError, type FilesystemType, type OpenedFilesystem, type Volume } from "../../src/disk/types.js";
import { MemoryBackend, symlink, type MemoryTree } from "../../src/fs/memory.js";
import { BufferSource } from "../../src/fs/tar/source.js";

const empty = new BufferSource(new Uint8Array(0));

function vol(name: string, extra: Partial<Volume> = {}): Volume {
  return { name, offset: name.includes("/") ? null : 1048576, size: 1 << 20, type: "test", source: empty, ...extra };
}

function fsOn(disk: string, volume: Volume, tree: MemoryTree, info: Partial<OpenedFilesystem> = {}): VolumeContent {
  const fs: OpenedFilesystem = { type: "ext4", uuid: null, label: null, size: 1 << 20, backend: new MemoryBackend(tree), ...info };
  return { disk, volume, kind: "filesystem", fs };
}

const FSTAB = `# /etc/fstab: static file system information.
UUID=0B0E0E0E-1919-4000-8000-000000000001 /               ext4    errors=remount-ro 0 1
UUID="0b0e0e0e-1919-4000-8000-000000000002" /boot ext4 defaults 0 2
PARTUUID=11111111-2222-4333-8444-555555555555  /boot/efi vfat umask=0077 0 1
/dev/mapper/vg0-var--log /var/log xfs defaults 0 0
/dev/vg0/home /home ext4 defaults 0 2
LABEL=srv\\040data /srv/my\\040data ext4 defaults 0 2
PARTLABEL=opt /opt ext4 defaults 0 2
/dev/sda6 /mnt/six ext4 defaults 0 0
UUID=ffffffff-0000-0000-0000-000000000000 /mnt/gone ext4 nofail 0 0
/dev/mapper/vg0-swap none swap sw 0 0
tmpfs /tmp tmpfs defaults 0 0
proc /proc proc defaults 0 0
/srv /export none bind 0 0
server:/export /mnt/nfs nfs defaults 0 0
`;

function hostDisk(fstab: MemoryTree = { "/etc/fstab": FSTAB }): VolumeContent[] {
  return [
    fsOn("disk.qcow2", vol("p1", { partUuid: "11111111-2222-4333-8444-555555555555" }), { "/EFI/BOOT/BOOTX64.EFI": "efi" }, { type: "vfat" }),
    fsOn("disk.qcow2", vol("p2"), { ...fstab, "/etc/hostname": "web01\n", "/var/log": { type: "dir" }, "/boot": { type: "dir" } }, { uuid: "0b0e0e0e-1919-4000-8000-000000000001" }),
    fsOn("disk.qcow2", vol("p3"), { "/grub/grub.cfg": "menuentry" }, { uuid: "0b0e0e0e-1919-4000-8000-000000000002" }),
    { disk: "disk.qcow2", volume: vol("p4", { type: "Linux LVM" }), kind: "lvm", name: "LVM2 member" },
    fsOn("disk.qcow2", vol("p5", { partLabel: "opt" }), { "/bin/tool": "opt tool" }),
    fsOn("disk.qcow2", vol("p6"), { "/five": "5" }),
    fsOn("disk.qcow2", vol("vg0/var-log"), { "/wtmp": "wtmp bytes", "/syslog": "log" }, { type: "xfs" }),
    fsOn("disk.qcow2", vol("vg0/home"), { "/alice/.bashrc": "alias" }),
    fsOn("disk.qcow2", vol("vg0/srv"), { "/index.html": "srv" }, { label: "srv data" }),
    fsOn("disk.qcow2", vol("vg0/scratch"), { "/junk": "j" }),
    { disk: "disk.qcow2", volume: vol("vg0/swap"), kind: "swap", name: "swap" },
  ];
}

describe("fstab", () => {
  it("keeps only lines that mount a disk filesystem, with fstab's escapes undone", () => {
    const lines = parseFstab(FSTAB);
    expect(lines.map((l) => [l.lineno, l.spec, l.point])).toEqual([
      [2, "UUID=0B0E0E0E-1919-4000-8000-000000000001", "/"],
      [3, 'UUID="0b0e0e0e-1919-4000-8000-000000000002"', "/boot"],
      [4, "PARTUUID=11111111-2222-4333-8444-555555555555", "/boot/efi"],
      [5, "/dev/mapper/vg0-var--log", "/var/log"],
      [6, "/dev/vg0/home", "/home"],
      [7, "LABEL=srv data", "/srv/my data"],
      [8, "PARTLABEL=opt", "/opt"],
      [9, "/dev/sda6", "/mnt/six"],
      [10, "UUID=ffffffff-0000-0000-0000-000000000000", "/mnt/gone"],
    ]);
  });

  it("reads what each spec names", () => {
    expect(specKey('UUID="ABC-def"')).toEqual({ by: "uuid", value: "abc-def" });
    expect(specKey("/dev/disk/by-label/my\\x20root")).toEqual({ by: "label", value: "my root" });
    expect(specKey("/dev/disk/by-partuuid/5EED0019-02")).toEqual({ by: "partuuid", value: "5eed0019-02" });
    expect(specKey("/dev/disk/by-id/dm-name-vg0-root")).toEqual({ by: "lv", value: "vg0/root" });
    expect(specKey("/dev/nvme0n1p3")).toEqual({ by: "partition", value: "p3" });
    expect(specKey("/dev/xvda1")).toEqual({ by: "partition", value: "p1" });
    expect(specKey("/dev/sdb1")).toBeNull();
    expect(specKey("/dev/md0")).toBeNull();
    expect(dmNameToLv("my--vg-my--lv")).toBe("my-vg/my-lv");
    expect(dmNameToLv("novolume")).toBeNull();
    expect(lvToDmName("my-vg/my-lv")).toBe("my--vg-my--lv");
  });
});

describe("assemble", () => {
  it("mounts the root and what its fstab names; the rest under /$fs$", () => {
    const a = assemble(hostDisk());
    expect(a.root?.volume.name).toBe("p2");
    expect(a.mounts.map((m) => [m.point, m.content.volume.name])).toEqual([
      ["/", "p2"],
      ["/boot", "p3"],
      ["/boot/efi", "p1"],
      ["/var/log", "vg0/var-log"],
      ["/home", "vg0/home"],
      ["/srv/my data", "vg0/srv"],
      ["/opt", "p5"],
      ["/mnt/six", "p6"],
      ["/$fs$/vg0-scratch", "vg0/scratch"],
    ]);
    expect(a.notes).toEqual(["fstab line 10: UUID=ffffffff-0000-0000-0000-000000000000 for /mnt/gone matches no filesystem in the image"]);
    expect(a.fs.readText("/etc/hostname")).toBe("web01\n");
    expect(a.fs.readText("/var/log/wtmp")).toBe("wtmp bytes");
    expect(a.fs.readText("/boot/grub/grub.cfg")).toBe("menuentry");
    expect(a.fs.readText("/boot/efi/EFI/BOOT/BOOTX64.EFI")).toBe("efi");
    expect(a.fs.readText("/srv/my data/index.html")).toBe("srv");
    expect(a.fs.readText("/$fs$/vg0-scratch/junk")).toBe("j");
    expect(a.fs.readdir("/$fs$")).toEqual(["vg0-scratch"]);
  });

  it("reads fstab through the image's root: an absolute link in it stays inside the image", () => {
    const a = assemble(hostDisk({ "/etc/fstab": symlink("/etc/fstab.d/real"), "/etc/fstab.d/real": "/dev/vg0/home /home ext4 defaults 0 2\n" }));
    expect(a.mounts.find((m) => m.point === "/home")?.content.volume.name).toBe("vg0/home");
    expect(a.mounts.filter((m) => m.point.startsWith("/$fs$/")).map((m) => m.point)).toEqual([
      "/$fs$/p1",
      "/$fs$/p3",
      "/$fs$/p5",
      "/$fs$/p6",
      "/$fs$/vg0-var--log",
      "/$fs$/vg0-srv",
      "/$fs$/vg0-scratch",
    ]);
  });

  it("no fstab: the root, and every other filesystem under /$fs$", () => {
    const a = assemble(hostDisk({}));
    expect(a.root?.volume.name).toBe("p2");
    expect(a.mounts.filter((m) => m.point !== "/").every((m) => m.point.startsWith("/$fs$/"))).toBe(true);
    expect(a.notes).toEqual([]);
  });

  it("two roots: the first is /, the other is under /$fs$ with a note", () => {
    const contents = [
      fsOn("a.img", vol("p1"), { "/etc/os-release": "A", "/var/x": "" }),
      fsOn("b.img", vol("p1"), { "/etc/os-release": "B", "/var/x": "" }),
    ];
    const a = assemble(contents);
    expect(a.fs.readText("/etc/os-release")).toBe("A");
    expect(a.fs.readText("/$fs$/b.img-p1/etc/os-release")).toBe("B");
    expect(a.notes).toEqual(["several filesystems have /etc and /var (a.img-p1, b.img-p1): a.img-p1 is the root, the others are under /$fs$"]);
  });

  it("no /etc and /var: a lone filesystem is the root; several are all under /$fs$", () => {
    const one = assemble([fsOn("d.img", vol("disk", { offset: 0 }), { "/data": "x" })]);
    expect(one.fs.readText("/data")).toBe("x");
    expect(one.notes).toEqual(["no filesystem has /etc and /var: the only one, disk, is the root"]);
    const two = assemble([fsOn("d.img", vol("p1"), { "/a": "1" }), fsOn("d.img", vol("p2"), { "/b": "2" })]);
    expect(two.root).toBeNull();
    expect(two.fs.readText("/$fs$/p2/b")).toBe("2");
    expect(two.notes).toEqual(["no filesystem has /etc and /var: every filesystem is under /$fs$"]);
  });
});

describe("openFilesystems", () => {
  const fake: FilesystemType = {
    name: "fakefs",
    probe: (v) => {
      const b = new Uint8Array(6);
      return v.read(b, 0, 6, 0) === 6 && String.fromCharCode(...b) === "FAKEFS";
    },
    open(v, where) {
      const b = new Uint8Array(7);
      v.read(b, 0, 7, 0);
      if (b[6] !== 0x21) throw new DiskError(where, 6, "superblock damaged");
      return { type: "fakefs", uuid: null, label: null, size: v.size, backend: new MemoryBackend({ "/ok": "1" }) };
    },
  };
  const withBytes = (name: string, at: number, bytes: string | number[], size = 300 * 1024): DiskVolume => {
    const b = new Uint8Array(size);
    b.set(typeof bytes === "string" ? Array.from(bytes, (c) => c.charCodeAt(0)) : bytes, at);
    return { disk: "d.img", volume: vol(name, { source: new BufferSource(b), size }) };
  };

  it("opens what a reader claims; names LUKS, swap, LVM, btrfs; shows the first bytes of the unknown", () => {
    const out = openFilesystems(
      [
        withBytes("p1", 0, "FAKEFS!"),
        withBytes("p2", 0, "FAKEFS?"),
        withBytes("p3", 0, "LUKS\xba\xbe\x00\x02"),
        withBytes("p4", 4086, "SWAPSPACE2"),
        withBytes("p5", 512, "LABELONE"),
        withBytes("p6", 0x10040, "_BHRfS_M"),
        withBytes("p7", 0, [0xde, 0xad, 0xbe, 0xef]),
        withBytes("p8", 0, []),
      ],
      [fake],
    );
    expect(out.map((c) => [c.volume.name, c.kind, "message" in c ? c.message : "name" in c ? c.name : c.kind === "filesystem" ? c.fs.type : ""])).toEqual([
      ["p1", "filesystem", "fakefs"],
      ["p2", "error", "fakefs: d.img p2 at byte 6: superblock damaged"],
      ["p3", "unsupported", "d.img p3: LUKS-encrypted volume; supply the decrypted image"],
      ["p4", "swap", "swap"],
      ["p5", "lvm", "LVM2 member"],
      ["p6", "unsupported", "d.img p6: btrfs: not supported yet"],
      ["p7", "unknown", "d.img p7: unknown filesystem, first bytes de ad be ef 00 00 00 00 00 00 00 00 00 00 00 00"],
      ["p8", "unknown", "d.img p8: unknown filesystem: the first bytes are all zeros"],
    ]);
  });
});
