// XFS (v5) as a filesystem type of the disk layer (docs/disks.md).
import type { ByteSource, FilesystemType, OpenedFilesystem } from "../../types.js";
import { DiskError } from "../../types.js";
import { XfsBackend } from "./backend.js";
import { readInode } from "./inode.js";
import { probeXfs, readSuperblock } from "./superblock.js";

export { XfsBackend } from "./backend.js";
export { readSuperblock, type Superblock } from "./superblock.js";

export const xfsType: FilesystemType = {
  name: "xfs",
  probe: probeXfs,
  open(volume: ByteSource, where: string): OpenedFilesystem {
    const sb = readSuperblock(volume, where);
    const root = readInode(volume, sb, sb.rootIno, where);
    if (root.type !== "dir") throw new DiskError(where, root.offset, `XFS root inode ${sb.rootIno} is not a directory`);
    return {
      type: "xfs",
      uuid: sb.uuid,
      label: sb.label,
      size: sb.dataBlocks * sb.blockSize,
      backend: new XfsBackend(volume, sb, where),
    };
  },
};
