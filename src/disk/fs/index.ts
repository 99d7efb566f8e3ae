// The filesystem readers a volume is offered to, in order (docs/disks.md). Each reader's own folder exports its
// FilesystemType (ext4Type from ./ext4/index.js, xfsType from ./xfs/index.js); they are listed here when merged.
import type { FilesystemType } from "../types.js";
import { ext4Type } from "./ext4/index.js";
import { xfsType } from "./xfs/index.js";

export const FILESYSTEM_TYPES: readonly FilesystemType[] = [ext4Type, xfsType];
