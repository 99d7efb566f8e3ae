// The target's CPU architecture, from the ELF header of one of its own binaries: never the analyst's machine.
// dissect reads /bin/ls; a collection may lack it (UAC keeps no binaries), so a few other always-present
// programs are tried, and the answer says which file it came from. docs/triage.md, "Properties".
import { absent, definePlugin, FsError, ok, withSource, type RootFilesystem, type Target } from "quarry";

/** Tried in order; the first regular file that is an ELF executable of a known machine answers. */
export const ARCHITECTURE_PROBES = ["/bin/ls", "/usr/bin/ls", "/bin/sh", "/usr/bin/env", "/sbin/init", "/lib/systemd/systemd", "/usr/lib/systemd/systemd", "/bin/busybox"];

/** e_machine → name, the names uname -m prints (64-bit class where the ELF class decides). */
const MACHINES: Readonly<Record<number, readonly [bits32: string, bits64: string]>> = {
  0x02: ["sparc", "sparc64"],
  0x03: ["i386", "i386"],
  0x08: ["mips", "mips64"],
  0x14: ["ppc", "ppc"],
  0x15: ["ppc64", "ppc64"],
  0x16: ["s390", "s390x"],
  0x28: ["arm", "arm"],
  0x2b: ["sparc64", "sparc64"],
  0x32: ["ia64", "ia64"],
  0x3e: ["x86_64", "x86_64"],
  0xb7: ["aarch64", "aarch64"],
  0xf3: ["riscv32", "riscv64"],
  0x102: ["loongarch32", "loongarch64"],
};

export interface ElfArch {
  /** uname -m's name: x86_64, aarch64, ppc64le, … */
  machine: string;
  bits: 32 | 64;
  endian: "little" | "big";
}

/** The architecture an ELF header states, or null for anything else (a script, a truncated file, an unknown machine). */
export function elfArchitecture(head: Uint8Array): ElfArch | null {
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return null;
  const cls = head[4];
  const data = head[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return null;
  const machine = data === 1 ? head[18]! | (head[19]! << 8) : (head[18]! << 8) | head[19]!;
  const names = MACHINES[machine];
  if (!names) return null;
  let name = names[cls === 2 ? 1 : 0];
  // ppc64 is named by its byte order (Debian's ppc64el is little-endian); arm big-endian is armeb
  if (machine === 0x15 && data === 1) name = "ppc64le";
  if (machine === 0x28 && data === 2) name = "armeb";
  return { machine: name, bits: cls === 2 ? 64 : 32, endian: data === 1 ? "little" : "big" };
}

function readHead(fs: RootFilesystem, path: string): Uint8Array | null {
  if (!fs.isFile(path)) return null;
  let h;
  try {
    h = fs.open(path);
  } catch (e) {
    if (e instanceof FsError) return null;
    throw e;
  }
  try {
    const buf = new Uint8Array(20);
    return buf.subarray(0, h.read(buf, 0, 20, 0));
  } finally {
    h.close();
  }
}

/** The first probe that answers: the architecture and the file it was read from. */
export function targetArchitecture(fs: RootFilesystem): { arch: ElfArch; file: string } | null {
  for (const file of ARCHITECTURE_PROBES) {
    const head = readHead(fs, file);
    const arch = head && elfArchitecture(head);
    if (arch) return { arch, file };
  }
  return null;
}

const hasProbe = (t: Target): boolean => ARCHITECTURE_PROBES.some((p) => t.fs.isFile(p));

export default definePlugin({
  name: "architecture",
  path: "os.unix.architecture",
  description: "The CPU architecture, from the ELF header of the target's own binaries",
  paths: ARCHITECTURE_PROBES,
  checkCompatible: (t) => (hasProbe(t) ? ok() : absent(`none of ${ARCHITECTURE_PROBES.join(", ")}`)),
  functions: {
    architecture: {
      output: "value",
      description: "The CPU architecture as dissect names it (<machine>-<os>: x86_64-linux), from the ELF header of /bin/ls or another of the target's binaries",
      value: (t) => {
        const found = targetArchitecture(t.fs);
        return found ? withSource(`${found.arch.machine}-${t.os ?? "unix"}`, found.file) : null;
      },
    },
  },
});
