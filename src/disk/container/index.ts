// The container layer (docs/disks.md): which format a file is, and the virtual disk it holds.
// CONTAINERS is tried in order; raw comes last and claims anything, so probeContainer (the loader's "is this a
// disk image?") answers only for a format whose magic matched.
import { FdSource } from "../../fs/tar/source.js";
import type { ByteSource, ContainerType } from "../types.js";
import { qcow2Type } from "./qcow2.js";
import { rawType } from "./raw.js";
import { vhdType } from "./vhd.js";
import { vhdxType } from "./vhdx.js";
import { vmdkType } from "./vmdk.js";

export const CONTAINERS: readonly ContainerType[] = [qcow2Type, vmdkType, vhdxType, vhdType, rawType];

export interface OpenedContainer {
  readonly type: string;
  readonly source: ByteSource;
  readonly virtualSize: number;
}

function detect(file: ByteSource, path: string): ContainerType {
  for (const t of CONTAINERS) if (t.probe(file, path)) return t;
  return rawType;
}

/** Opens the image at `path`; throws DiskError when its format is recognised but the image cannot be read. */
export function openContainer(path: string): OpenedContainer {
  const file = FdSource.open(path);
  try {
    const t = detect(file, path);
    const source = t.open(file, path);
    return { type: t.name, source, virtualSize: source.size };
  } catch (e) {
    file.close();
    throw e;
  }
}

export { probeContainer } from "./probe.js";
export { qcow2Type, rawType, vhdType, vhdxType, vmdkType };
