// ext2, ext3 and ext4 (one reader: ext2/3 are ext4 without extents and the other ext4-only features).
import type { ByteSource, FilesystemType, OpenedFilesystem } from "../../types.js";
import { DiskError } from "../../types.js";
import { Ext4Backend, ROOT_INO } from "./backend.js";
import { GroupTable } from "./groups.js";
import { flavour, probeSuperblock, readSuperblock } from "./superblock.js";
import { Ext4Volume } from "./volume.js";

export { Ext4Backend } from "./backend.js";

export const ext4Type: FilesystemType = {
  name: "ext4",
  probe: (volume: ByteSource) => probeSuperblock(volume),
  open(volume: ByteSource, where: string): OpenedFilesystem {
    const sb = readSuperblock(volume, where);
    const vol = new Ext4Volume(volume, where, sb);
    const backend = new Ext4Backend(vol, new GroupTable(volume, where, sb));
    // The root must be a directory: a cheap check that the group descriptors and inode table make sense.
    const root = backend.inode(ROOT_INO);
    if (root.type !== "dir") throw new DiskError(where, root.offset, `ext: the root inode is not a directory (${root.type})`);
    return { type: flavour(sb), uuid: sb.uuid, label: sb.label, size: sb.blocksCount * sb.blockSize, backend };
  },
};
