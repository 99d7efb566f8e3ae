// file PATH...: what a file is, from its first bytes (a few dozen formats met in collections), as file(1) names them.
import { printableName } from "../../util/escape.js";
import { absolute, expandOperands, parseFlags, type FsContext, warn } from "./context.js";

const HEAD = 4096;
const SPECIAL = { chardev: "character special", blockdev: "block special", fifo: "fifo (named pipe)", socket: "socket" };

interface Magic {
  at: number;
  bytes: readonly number[] | string;
  name: string;
}

const MAGICS: readonly Magic[] = [
  { at: 0, bytes: [0x7f, 0x45, 0x4c, 0x46], name: "ELF" },
  { at: 0, bytes: [0x1f, 0x8b], name: "gzip compressed data" },
  { at: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: "XZ compressed data" },
  { at: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd], name: "Zstandard compressed data" },
  { at: 0, bytes: "BZh", name: "bzip2 compressed data" },
  { at: 0, bytes: [0x5d, 0x00, 0x00], name: "LZMA compressed data" },
  { at: 0, bytes: [0x04, 0x22, 0x4d, 0x18], name: "LZ4 compressed data" },
  { at: 0, bytes: [0x50, 0x4b, 0x03, 0x04], name: "Zip archive data" },
  { at: 0, bytes: [0x50, 0x4b, 0x05, 0x06], name: "Zip archive data (empty)" },
  { at: 0, bytes: "7z\xbc\xaf\x27\x1c", name: "7-zip archive data" },
  { at: 257, bytes: "ustar", name: "POSIX tar archive" },
  { at: 0, bytes: "SQLite format 3\0", name: "SQLite 3.x database" },
  { at: 0, bytes: "LPKSHHRH", name: "Journal file (systemd)" },
  { at: 0, bytes: "#!", name: "script" },
  { at: 0, bytes: "%PDF-", name: "PDF document" },
  { at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], name: "PNG image data" },
  { at: 0, bytes: [0xff, 0xd8, 0xff], name: "JPEG image data" },
  { at: 0, bytes: "GIF8", name: "GIF image data" },
  { at: 0, bytes: "MZ", name: "PE32/MS-DOS executable" },
  { at: 0, bytes: [0xca, 0xfe, 0xba, 0xbe], name: "Mach-O universal binary / Java class" },
  { at: 0, bytes: [0xcf, 0xfa, 0xed, 0xfe], name: "Mach-O 64-bit" },
  { at: 0, bytes: "-----BEGIN OPENSSH PRIVATE KEY-----", name: "OpenSSH private key" },
  { at: 0, bytes: "-----BEGIN CERTIFICATE-----", name: "PEM certificate" },
  { at: 0, bytes: "-----BEGIN ", name: "PEM data" },
  { at: 0, bytes: "ssh-rsa ", name: "OpenSSH RSA public key" },
  { at: 0, bytes: "ssh-ed25519 ", name: "OpenSSH ED25519 public key" },
  { at: 0, bytes: "regf", name: "MS Windows registry file" },
  { at: 0, bytes: "ElfFile\0", name: "MS Windows Vista Event Log" },
  { at: 0, bytes: [0x1f, 0x9d], name: "compress'd data" },
  { at: 0, bytes: "!<arch>\n", name: "current ar archive (deb?)" },
  { at: 0, bytes: [0xed, 0xab, 0xee, 0xdb], name: "RPM package" },
  { at: 0, bytes: "070701", name: "ASCII cpio archive (SVR4)" },
  { at: 0, bytes: "QFI\xfb", name: "QEMU QCOW image" },
  { at: 0, bytes: "KDMV", name: "VMware4 disk image" },
  { at: 0, bytes: "conectix", name: "Microsoft Disk Image (VHD)" },
];

function matches(head: Uint8Array, m: Magic): boolean {
  const b = typeof m.bytes === "string" ? [...m.bytes].map((c) => c.charCodeAt(0)) : m.bytes;
  if (head.length < m.at + b.length) return false;
  for (let i = 0; i < b.length; i++) if (head[m.at + i] !== b[i]) return false;
  return true;
}

/** ELF class and type, for "ELF 64-bit LSB executable". */
function elf(head: Uint8Array): string {
  const cls = head[4] === 2 ? "64-bit" : head[4] === 1 ? "32-bit" : "?-bit";
  const endian = head[5] === 2 ? "MSB" : "LSB";
  const t = head.length > 17 ? (head[5] === 2 ? (head[16]! << 8) | head[17]! : head[16]! | (head[17]! << 8)) : -1;
  const kind = { 1: "relocatable", 2: "executable", 3: "shared object", 4: "core file" }[t] ?? "file";
  return `ELF ${cls} ${endian} ${kind}`;
}

/** utmp/wtmp records are 384 bytes with a small ut_type first (Linux, glibc layout). */
function looksUtmp(head: Uint8Array, size: number): boolean {
  if (size === 0 || size % 384 !== 0 || head.length < 8) return false;
  const type = head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24);
  return type >= 0 && type <= 9;
}

export function describeMagic(head: Uint8Array, size: number): string {
  if (size === 0) return "empty";
  for (const m of MAGICS) {
    if (!matches(head, m)) continue;
    if (m.name === "ELF") return elf(head);
    if (m.name === "script") {
      const end = head.indexOf(0x0a);
      const line = Buffer.from(head.subarray(2, end < 0 ? Math.min(head.length, 128) : Math.min(end, 128))).toString("latin1").trim();
      return `${line.split(/\s+/).pop()?.split("/").pop() ?? "a"} script, ASCII text executable (#!${line})`;
    }
    return m.name;
  }
  if (looksUtmp(head, size)) return "utmp/wtmp records (384-byte, Linux)";
  return textOrData(head);
}

function textOrData(head: Uint8Array): string {
  let high = 0;
  for (const b of head) {
    if (b === 0) return "data";
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return "data";
    if (b >= 0x80) high++;
  }
  if (high === 0) return "ASCII text";
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(trimPartial(head));
    return "UTF-8 Unicode text";
  } catch {
    return "ISO-8859 text";
  }
}

/** A head cut inside a UTF-8 sequence is still UTF-8. */
function trimPartial(b: Uint8Array): Uint8Array {
  let end = b.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const c = b[end - i]!;
    if ((c & 0xc0) === 0xc0) return b.subarray(0, end - i);
    if ((c & 0xc0) !== 0x80) break;
  }
  return b;
}

export async function fileMagic(ctx: FsContext, argv: readonly string[]): Promise<number> {
  const { operands } = parseFlags("file", argv, "");
  let failed = 0;
  let text = "";
  for (const p of expandOperands(ctx, operands)) {
    const abs = absolute(ctx, p);
    try {
      const st = ctx.fs.lstat(abs);
      let what: string;
      if (st.type === "symlink") what = `symbolic link to ${printableName(ctx.fs.readlink(abs))}`;
      else if (st.type === "dir") what = "directory";
      else if (st.type !== "file") what = (SPECIAL as Record<string, string>)[st.type] ?? st.type;
      else {
        const h = ctx.fs.readHead(abs, HEAD);
        what = describeMagic(h.data, h.size);
      }
      text += `${printableName(p)}: ${what}\n`;
    } catch (e) {
      warn(ctx, `file: ${(e as Error).message}`);
      failed++;
    }
  }
  await ctx.out.write(text);
  return failed;
}
