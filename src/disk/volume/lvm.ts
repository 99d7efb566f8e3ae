// LVM2 volume groups and their logical volumes. The PVs found on the disks' volumes are grouped by the VG id in
// their metadata; of the copies the PVs hold, the one with the highest seqno is the VG. A logical volume is a
// list of segments, each a run of extents on one PV (linear) or spread over several in stripe_size chunks taken
// in turn (striped); it reads as one ByteSource. Hidden LVs (sub-volumes of pools, mirrors, RAID) are not listed;
// other segment types (thin, raid, mirror, cache, snapshot) and LVs on a missing PV are problems, not volumes.
import { readFully } from "../../fs/read.js";
import { type ByteSource, DiskError, type Volume } from "../types.js";
import { type PvLabel, probeLvm, readPvLabel } from "./lvm-label.js";
import { Fields, parseLvmText } from "./lvm-text.js";
import { SECTOR } from "./sector.js";

/** Segments per LV and stripes per segment beyond any real layout; they bound the work of one read. */
const MAX_SEGMENTS = 65536;
const MAX_STRIPES = 128;

export interface PhysicalVolume {
  readonly source: ByteSource;
  /** The volume it was found on ("disk.img p2"), for errors. */
  readonly where: string;
  readonly label: PvLabel;
}

/** The PV on a volume, or null when it carries no LVM2 label; DiskError when the label or its metadata is damaged. */
export function findPhysicalVolume(source: ByteSource, where: string): PhysicalVolume | null {
  if (probeLvm(source) === null) return null;
  return { source, where, label: readPvLabel(source, where) };
}

interface Stripe {
  readonly pv: string; // the VG's key for it: "pv0"
  readonly extent: number;
}

interface Segment {
  readonly startExtent: number;
  readonly extentCount: number;
  readonly type: string;
  /** Bytes per chunk (striped with more than one stripe). */
  readonly chunk: number;
  readonly stripes: readonly Stripe[];
}

interface LvMeta {
  readonly name: string;
  readonly visible: boolean;
  readonly segments: readonly Segment[];
}

interface VgMeta {
  readonly name: string;
  readonly id: string;
  readonly seqno: number;
  readonly extentBytes: number;
  readonly pvs: Map<string, { uuid: string; peStart: number; peCount: number }>;
  readonly lvs: readonly LvMeta[];
}

/** The VG described by one metadata text (the section that has an id and physical_volumes). */
export function parseVg(text: string, where: string, at: number): VgMeta {
  const top = new Fields(parseLvmText(text, where, at), "", where, at);
  const found = top.sections().find(([, s]) => s.section.has("physical_volumes") && s.section.has("id"));
  if (!found) throw new DiskError(where, at, "LVM metadata text holds no volume group");
  const [name, vg] = found;
  const extentBytes = vg.int("extent_size", 1, 2 ** 32) * SECTOR;
  const pvs = new Map<string, { uuid: string; peStart: number; peCount: number }>();
  for (const [key, pv] of vg.sub("physical_volumes").sections()) {
    pvs.set(key, { uuid: pv.str("id"), peStart: pv.int("pe_start", 0, 2 ** 44) * SECTOR, peCount: pv.int("pe_count", 0, 2 ** 40) });
  }
  const lvs: LvMeta[] = [];
  const lvSection = vg.section.has("logical_volumes") ? vg.sub("logical_volumes").sections() : [];
  for (const [lvName, lv] of lvSection) {
    const count = lv.int("segment_count", 1, MAX_SEGMENTS);
    const segments: Segment[] = [];
    for (let n = 1; n <= count; n++) {
      const seg = lv.sub(`segment${n}`);
      const type = seg.str("type");
      const stripes: Stripe[] = [];
      let chunk = 0;
      if (type === "striped") {
        const list = seg.list("stripes");
        const stripeCount = seg.int("stripe_count", 1, MAX_STRIPES);
        if (list.length !== stripeCount * 2) throw new DiskError(where, at, `LVM metadata: ${name}/${lvName}/segment${n} lists ${list.length / 2} stripes, stripe_count ${stripeCount}`);
        for (let k = 0; k < list.length; k += 2) {
          const pv = list[k];
          const extent = list[k + 1];
          if (typeof pv !== "string" || typeof extent !== "number" || !Number.isSafeInteger(extent) || extent < 0) {
            throw new DiskError(where, at, `LVM metadata: ${name}/${lvName}/segment${n} stripe ${k / 2} is not a PV and an extent`);
          }
          stripes.push({ pv, extent });
        }
        if (stripeCount > 1) chunk = seg.int("stripe_size", 1, 2 ** 32) * SECTOR;
      }
      segments.push({ startExtent: seg.int("start_extent"), extentCount: seg.int("extent_count", 1), type, chunk, stripes });
    }
    segments.sort((a, b) => a.startExtent - b.startExtent);
    lvs.push({ name: lvName, visible: lv.strings("status").includes("VISIBLE"), segments });
  }
  return { name, id: vg.str("id"), seqno: vg.int("seqno"), extentBytes, pvs, lvs };
}

interface Run {
  readonly start: number; // byte offset in the LV
  readonly length: number;
  readonly chunk: number; // 0: one stripe
  readonly stripes: readonly { readonly source: ByteSource; readonly offset: number }[];
}

/** A logical volume: its segments' runs on the PVs, each checked against its PV when the LV is made. */
export class LogicalVolumeSource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly runs: readonly Run[],
    private readonly where: string,
  ) {
    const last = runs[runs.length - 1];
    this.size = last ? last.start + last.length : 0;
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (position < 0 || position >= this.size || length <= 0) return 0;
    const total = Math.min(length, this.size - position);
    let done = 0;
    let r = this.find(position);
    while (done < total) {
      const run = this.runs[r]!;
      const within = position + done - run.start;
      let source: ByteSource;
      let at: number;
      let n: number;
      if (run.chunk === 0) {
        source = run.stripes[0]!.source;
        at = run.stripes[0]!.offset + within;
        n = Math.min(run.length - within, total - done);
      } else {
        // chunk k of the segment is on stripe k mod N, the (k div N)-th chunk there
        const k = Math.floor(within / run.chunk);
        const inChunk = within - k * run.chunk;
        const stripe = run.stripes[k % run.stripes.length]!;
        source = stripe.source;
        at = stripe.offset + Math.floor(k / run.stripes.length) * run.chunk + inChunk;
        n = Math.min(run.chunk - inChunk, run.length - within, total - done);
      }
      const got = readFully(source, buf.subarray(offset + done, offset + done + n), at);
      if (got < n) throw new DiskError(this.where, position + done + got, "the PV ends before the logical volume's extents");
      done += n;
      if (done < total && position + done >= run.start + run.length) r++;
    }
    return done;
  }

  private find(position: number): number {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runs[mid]!.start <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  close(): void {}
}

export interface LvmScan {
  readonly volumes: Volume[];
  /** LVs that cannot be read (a missing PV, an unsupported segment type) and VGs whose metadata is damaged. */
  readonly problems: DiskError[];
}

/** The logical volumes of every VG the PVs belong to. */
export function logicalVolumes(pvs: readonly PhysicalVolume[]): LvmScan {
  const problems: DiskError[] = [];
  const byUuid = new Map<string, PhysicalVolume>();
  const vgs = new Map<string, VgMeta>();
  for (const pv of pvs) {
    byUuid.set(pv.label.uuid, pv);
    problems.push(...pv.label.damage);
    for (const m of pv.label.metadata) {
      try {
        const vg = parseVg(m.text, pv.where, m.offset);
        const seen = vgs.get(vg.id);
        if (!seen || vg.seqno > seen.seqno) vgs.set(vg.id, vg);
      } catch (e) {
        if (!(e instanceof DiskError)) throw e;
        problems.push(e);
      }
    }
  }
  const volumes: Volume[] = [];
  for (const vg of [...vgs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // by name, as lvs lists them
    for (const lv of [...vg.lvs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!lv.visible) continue;
      const where = `${vg.name}/${lv.name}`;
      try {
        const runs = lvRuns(vg, lv, byUuid, where);
        const types = [...new Set(lv.segments.map((s) => (s.stripes.length > 1 ? "striped" : "linear")))].join("+");
        volumes.push({ name: where, offset: null, size: runs.reduce((n, r) => n + r.length, 0), type: `LVM2 ${types}`, source: new LogicalVolumeSource(runs, where) });
      } catch (e) {
        if (!(e instanceof DiskError)) throw e;
        problems.push(e);
      }
    }
  }
  return { volumes, problems };
}

function lvRuns(vg: VgMeta, lv: LvMeta, byUuid: Map<string, PhysicalVolume>, where: string): Run[] {
  const runs: Run[] = [];
  let next = 0;
  for (const seg of lv.segments) {
    if (seg.type !== "striped") throw new DiskError(where, null, `segment type "${seg.type}" is not supported (only linear and striped)`);
    if (seg.startExtent !== next) throw new DiskError(where, null, `segments do not follow one another: extent ${seg.startExtent} where ${next} was expected`);
    const n = seg.stripes.length;
    if (seg.extentCount % n !== 0) throw new DiskError(where, null, `${seg.extentCount} extents do not divide into ${n} stripes`);
    const perStripe = seg.extentCount / n;
    if (n > 1 && (seg.chunk & (seg.chunk - 1)) !== 0) throw new DiskError(where, null, `stripe size ${seg.chunk} is not a power of two`);
    if (n > 1 && (perStripe * vg.extentBytes) % seg.chunk !== 0) throw new DiskError(where, null, `stripe size ${seg.chunk} does not divide a stripe's ${perStripe} extents`);
    const stripes = seg.stripes.map((s) => {
      const meta = vg.pvs.get(s.pv);
      if (!meta) throw new DiskError(where, null, `segment names ${s.pv}, which VG ${vg.name} does not list`);
      const pv = byUuid.get(meta.uuid);
      if (!pv) throw new DiskError(where, null, `PV ${meta.uuid} (${s.pv} of VG ${vg.name}) is missing`);
      if (s.extent + perStripe > meta.peCount) throw new DiskError(pv.where, null, `${where}: extents ${s.extent}+${perStripe} run past ${s.pv}'s ${meta.peCount}`);
      const offset = meta.peStart + s.extent * vg.extentBytes;
      const bytes = perStripe * vg.extentBytes;
      if (!Number.isSafeInteger(offset + bytes) || offset + bytes > pv.source.size) {
        throw new DiskError(pv.where, offset, `${where}: extents ${s.extent}+${perStripe} lie past the end of the PV (${pv.source.size} bytes)`);
      }
      return { source: pv.source, offset };
    });
    const length = seg.extentCount * vg.extentBytes;
    runs.push({ start: next * vg.extentBytes, length, chunk: n > 1 ? seg.chunk : 0, stripes });
    next += seg.extentCount;
  }
  if (!Number.isSafeInteger(next * vg.extentBytes)) throw new DiskError(where, null, "logical volume size is past 2^53");
  return runs;
}
