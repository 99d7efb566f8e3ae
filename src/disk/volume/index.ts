// The volume layer (docs/disks.md): a disk's partitions (GPT, else MBR), or the whole disk when it has
// no partition table (a bare filesystem or a bare PV); then the LVM2 logical volumes of every PV found on them.
// A PV stays listed (as "LVM2 member"/the table's LVM type) beside its LVs. A damaged partition table is a
// DiskError; a damaged VG or an LV that cannot be read is a problem beside the volumes that can be.
import { type ByteSource, DiskError, type Volume } from "../types.js";
import { probeGpt, readGpt } from "./gpt.js";
import { findPhysicalVolume, logicalVolumes, type PhysicalVolume } from "./lvm.js";
import { looksLikeMbr, MBR_PROTECTIVE, mbrTypeName, readMbr } from "./mbr.js";
import { readSector } from "./sector.js";
import { SliceSource } from "./slice.js";

export interface VolumeScan {
  readonly volumes: Volume[];
  readonly problems: DiskError[];
}

/** Extended partitions hold the EBR chain, not data: listed by the table, not as volumes. */
const MBR_CONTAINERS = new Set([0x05, 0x0f, 0x85]);

const isProtective = (s0: Uint8Array): boolean => [0, 1, 2, 3].some((i) => s0[446 + 16 * i + 4] === MBR_PROTECTIVE);

/** The partitions of one disk, or the whole disk as the volume "disk"; partitions cut or skipped at the end of a truncated image are added to `problems`. */
export function partitions(disk: ByteSource, where: string, problems: DiskError[] = []): Volume[] {
  const s0 = disk.size >= 512 ? readSector(disk, where, 0, "sector 0") : null;
  // As Linux decides: a valid MBR without a protective entry is the table, whatever a stale GPT header at
  // LBA 1 says; a protective MBR means GPT (its backup when the primary header is gone); no MBR at all but a
  // GPT header (a wiped sector 0) is GPT too.
  const mbrValid = s0 !== null && looksLikeMbr(s0);
  const gpt = mbrValid ? isProtective(s0) : probeGpt(disk) !== null;
  const mbr = !gpt && mbrValid ? readMbr(disk, where) : null;
  if (gpt) {
    const table = readGpt(disk, where);
    problems.push(...table.problems);
    return table.entries.map((e) => {
      const name = `p${e.number}`;
      return {
        name,
        offset: e.offset,
        size: e.size,
        type: e.typeName,
        partUuid: e.partGuid,
        partLabel: e.name,
        source: new SliceSource(disk, e.offset, e.size, `${where} ${name}`),
      };
    });
  }
  if (mbr) {
    problems.push(...mbr.problems);
    const sig = mbr.diskSignature.toString(16).padStart(8, "0");
    return mbr.entries
      .filter((e) => !MBR_CONTAINERS.has(e.type))
      .map((e) => {
        const name = `p${e.number}`;
        return {
          name,
          offset: e.offset,
          size: e.size,
          type: mbrTypeName(e.type),
          // what blkid reports for an MBR partition, and fstab may name: <disk signature>-<nn>
          partUuid: `${sig}-${e.number.toString(16).padStart(2, "0")}`,
          source: new SliceSource(disk, e.offset, e.size, `${where} ${name}`),
        };
      });
  }
  return [{ name: "disk", offset: 0, size: disk.size, type: "none", source: new SliceSource(disk, 0, disk.size, where) }];
}

/**
 * The volumes of several disks together (a VG may span them): each disk's partitions, then the logical volumes.
 * A partition table that cannot be read is a DiskError; LVM damage is reported in `problems`.
 */
export function scanVolumes(disks: readonly { readonly source: ByteSource; readonly where: string }[]): VolumeScan {
  const volumes: Volume[] = [];
  const problems: DiskError[] = [];
  const pvs: PhysicalVolume[] = [];
  for (const d of disks) {
    for (const v of partitions(d.source, d.where, problems)) {
      const where = v.name === "disk" ? d.where : `${d.where} ${v.name}`;
      try {
        const pv = findPhysicalVolume(v.source, where);
        if (pv) {
          pvs.push(pv);
          volumes.push(v.type === "none" ? { ...v, type: "LVM2 member" } : v);
          continue;
        }
      } catch (e) {
        if (!(e instanceof DiskError)) throw e;
        problems.push(e);
      }
      volumes.push(v);
    }
  }
  const lvm = logicalVolumes(pvs);
  return { volumes: [...volumes, ...lvm.volumes], problems: [...problems, ...lvm.problems] };
}

/** The volumes of one disk; throws the first problem (a damaged VG, an LV that cannot be read), if any. */
export function findVolumes(disk: ByteSource, where: string): Volume[] {
  const scan = scanVolumes([{ source: disk, where }]);
  if (scan.problems.length > 0) throw scan.problems[0]!;
  return scan.volumes;
}
