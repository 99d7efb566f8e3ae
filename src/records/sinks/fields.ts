// Output field selection (rdump -F / -X): which fields of a descriptor a sink shows, computed once per
// descriptor. Field names that a descriptor lacks are skipped, as flow.record's writers skip them.
import { RecordDescriptor, RESERVED_FIELDS, type FieldDef } from "../descriptor.js";

export interface FieldFilter {
  /** Only these fields, in this order. */
  readonly include?: readonly string[];
  /** Not these fields. */
  readonly exclude?: readonly string[];
}

export function hasFilter(f: FieldFilter | undefined): f is FieldFilter {
  return !!f && (!!f.include?.length || !!f.exclude?.length);
}

const RESERVED = new Set(RESERVED_FIELDS.map((f) => f.name));

/**
 * The fields to show for `desc`. `base` is what the sink shows without a filter: "declared" (text: reserved
 * fields hidden) or "all" (JSON, CSV, line: reserved fields included).
 */
export class FieldSelector {
  private readonly cache = new Map<RecordDescriptor, readonly FieldDef[]>();
  constructor(
    readonly filter: FieldFilter | undefined,
    private readonly base: "declared" | "all",
  ) {}

  fields(desc: RecordDescriptor): readonly FieldDef[] {
    let f = this.cache.get(desc);
    if (!f) {
      const pool = this.base === "all" ? desc.allFields : desc.fields;
      let out: FieldDef[];
      if (this.filter?.include?.length) {
        out = [];
        for (const n of this.filter.include) {
          const d = desc.allFields.find((x) => x.name === n);
          if (d && !out.includes(d)) out.push(d);
        }
      } else out = [...pool];
      if (this.filter?.exclude?.length) {
        const ex = new Set(this.filter.exclude);
        out = out.filter((x) => !ex.has(x.name));
      }
      f = out;
      this.cache.set(desc, f);
    }
    return f;
  }

  names(desc: RecordDescriptor): readonly string[] {
    return this.fields(desc).map((f) => f.name);
  }
}

/**
 * For outputs that carry a descriptor (the binary stream): a descriptor with only the selected declared
 * fields. The reserved fields always stay (the wire format has them on every record).
 */
export class DescriptorProjector {
  private readonly cache = new Map<RecordDescriptor, RecordDescriptor>();
  private readonly selector: FieldSelector;
  constructor(filter: FieldFilter) {
    this.selector = new FieldSelector(filter, "declared");
  }

  project(desc: RecordDescriptor): RecordDescriptor {
    let p = this.cache.get(desc);
    if (!p) {
      const keep = this.selector.fields(desc).filter((f) => !RESERVED.has(f.name));
      p = keep.length === desc.fields.length && keep.every((f, i) => f === desc.fields[i]) ? desc : new RecordDescriptor(desc.name, keep);
      this.cache.set(desc, p);
    }
    return p;
  }
}
