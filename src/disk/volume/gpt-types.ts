// Names of the common GPT partition type GUIDs, as sgdisk prints them; an unknown type is shown as its GUID.
const NAMES: Record<string, string> = {
  "c12a7328-f81f-11d2-ba4b-00a0c93ec93b": "EFI system partition",
  "21686148-6449-6e6f-744e-656564454649": "BIOS boot partition",
  "0fc63daf-8483-4772-8e79-3d69d8477de4": "Linux filesystem",
  "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f": "Linux swap",
  "e6d6d379-f507-44c2-a23c-238f2a3df928": "Linux LVM",
  "a19d880f-05fc-4d3b-a006-743f0f84911e": "Linux RAID",
  "ca7d7ccb-63ed-4c53-861c-1742536059cc": "Linux LUKS",
  "4f68bce3-e8cd-4db1-96e7-fbcaf984b709": "Linux x86-64 root (/)",
  "933ac7e1-2eb4-4f13-b844-0e14e2aef915": "Linux /home",
  "3b8f8425-20e0-4f3b-907f-1a25a76f98e8": "Linux /srv",
  "4d21b016-b534-45c2-a9fb-5c16e091fd2d": "Linux /var",
  "7ec6f557-3bc5-4aca-b293-16ef5df639d1": "Linux /var/tmp",
  "bc13c2ff-59e6-4262-a352-b275fd6f7172": "Freedesktop $BOOT",
  "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7": "Microsoft basic data",
  "e3c9e316-0b5c-4db8-817d-f92df00215ae": "Microsoft reserved",
  "de94bba4-06d1-4d40-a16a-bfd50179d6ac": "Windows RE",
  "6a898cc3-1dd2-11b2-99a6-080020736631": "Solaris /usr & Mac ZFS",
  "516e7cba-6ecf-11d6-8ff8-00022d09712b": "FreeBSD disklabel",
  "48465300-0000-11aa-aa11-00306543ecac": "Apple HFS/HFS+",
  "7c3457ef-0000-11aa-aa11-00306543ecac": "Apple APFS",
};

export function gptTypeName(typeGuid: string): string {
  return NAMES[typeGuid] ?? typeGuid;
}
