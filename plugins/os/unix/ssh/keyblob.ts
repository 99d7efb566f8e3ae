// SSH public keys as OpenSSH writes them (RFC 4253 §6.6 wire format, base64 in files): the key type inside the
// blob, its size in bits as `ssh-keygen -l` prints it, and its SHA256 fingerprint. Certificates (PROTOCOL.certkeys)
// are fingerprinted as ssh-keygen does: by the key they certify, not by the certificate blob.
import { createHash } from "node:crypto";

/** Key types OpenSSH's sshkey.c knows by name (rsa-sha2-* name RSA keys by their signature algorithm). */
const PLAIN_TYPES: Record<string, { fields: number; bits: number | "rsa" | "dsa"; label: string }> = {
  "ssh-rsa": { fields: 2, bits: "rsa", label: "RSA" },
  "rsa-sha2-256": { fields: 2, bits: "rsa", label: "RSA" },
  "rsa-sha2-512": { fields: 2, bits: "rsa", label: "RSA" },
  "ssh-dss": { fields: 4, bits: "dsa", label: "DSA" },
  "ecdsa-sha2-nistp256": { fields: 2, bits: 256, label: "ECDSA" },
  "ecdsa-sha2-nistp384": { fields: 2, bits: 384, label: "ECDSA" },
  "ecdsa-sha2-nistp521": { fields: 2, bits: 521, label: "ECDSA" },
  "ssh-ed25519": { fields: 1, bits: 256, label: "ED25519" },
  "sk-ecdsa-sha2-nistp256@openssh.com": { fields: 3, bits: 256, label: "ECDSA-SK" },
  "sk-ssh-ed25519@openssh.com": { fields: 2, bits: 256, label: "ED25519-SK" },
};
const CERT_SUFFIX = "-cert-v01@openssh.com";

/** Is `name` a key type sshd would read at the start of an authorized_keys or known_hosts key? */
export function isKeyTypeName(name: string): boolean {
  return name in PLAIN_TYPES || (name.endsWith(CERT_SUFFIX) && name.slice(0, -CERT_SUFFIX.length) in PLAIN_TYPES) || name === "ssh-xmss@openssh.com";
}

export interface PublicKeyInfo {
  /** The type named inside the blob ("ssh-ed25519", "ssh-rsa-cert-v01@openssh.com"). */
  type: string;
  /** As ssh-keygen -l prints it: RSA, ECDSA, ED25519-CERT … */
  label: string;
  /** Modulus bits (RSA), p bits (DSA), the curve's size; null where not known. */
  bits: number | null;
  /** "SHA256:" and the unpadded base64 of the SHA-256 of the (certified) key blob: `ssh-keygen -l`'s default. */
  fingerprint: string;
}

export class KeyBlobError extends Error {}

/** One length-prefixed string of the blob at `at`: [start, end). */
function field(blob: Uint8Array, at: number): [number, number] {
  if (at + 4 > blob.length) throw new KeyBlobError(`key blob ends inside a length at byte ${at}`);
  const len = ((blob[at]! << 24) >>> 0) + (blob[at + 1]! << 16) + (blob[at + 2]! << 8) + blob[at + 3]!;
  if (len > blob.length - at - 4) throw new KeyBlobError(`key blob field at byte ${at} claims ${len} bytes, more than the blob holds`);
  return [at + 4, at + 4 + len];
}

/** Significant bits of an SSH mpint (big-endian two's complement; a leading 0x00 keeps it positive). */
function mpintBits(blob: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && blob[i] === 0) i++;
  if (i === end) return 0;
  return (end - i - 1) * 8 + (32 - Math.clz32(blob[i]!));
}

/** The blob's key type, bits and fingerprint; KeyBlobError when it is not a well-formed key of a known type. */
export function describeKeyBlob(blob: Uint8Array): PublicKeyInfo {
  const [ts, te] = field(blob, 0);
  const type = Buffer.from(blob.subarray(ts, te)).toString("latin1");
  const cert = type.endsWith(CERT_SUFFIX);
  const base = cert ? type.slice(0, -CERT_SUFFIX.length) : type;
  const spec = PLAIN_TYPES[base];
  if (!spec) throw new KeyBlobError(`unknown key type ${JSON.stringify(type)} in the key blob`);
  let at = te;
  if (cert) at = field(blob, at)[1]; // the nonce
  const first = at;
  const parts: [number, number][] = [];
  for (let i = 0; i < spec.fields; i++) {
    const f = field(blob, at);
    parts.push(f);
    at = f[1];
  }
  if (!cert && at !== blob.length) throw new KeyBlobError(`${blob.length - at} bytes after the key in the blob`);
  let bits: number | null;
  if (spec.bits === "rsa") bits = mpintBits(blob, ...parts[1]!);
  else if (spec.bits === "dsa") bits = mpintBits(blob, ...parts[0]!);
  else bits = spec.bits;
  // A certificate's fingerprint is its key's: the plain type, then the same key fields.
  const plainName = Buffer.from(base === "rsa-sha2-256" || base === "rsa-sha2-512" ? "ssh-rsa" : base, "latin1");
  let hashed: Uint8Array = blob;
  if (cert) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(plainName.length);
    hashed = Buffer.concat([len, plainName, blob.subarray(first, at)]);
  }
  return { type, label: spec.label + (cert ? "-CERT" : ""), bits, fingerprint: sha256Fingerprint(hashed) };
}

export function sha256Fingerprint(blob: Uint8Array): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

/** base64 as OpenSSH writes it; null for anything else (Buffer.from would skip the bad characters silently). */
export function decodeBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1) return null;
  return Buffer.from(text, "base64");
}

/** The described key of a base64 blob, or why not. */
export function describeKey(base64: string): PublicKeyInfo | string {
  const blob = decodeBase64(base64);
  if (!blob) return "the key is not base64";
  try {
    return describeKeyBlob(blob);
  } catch (e) {
    if (e instanceof KeyBlobError) return e.message;
    throw e;
  }
}
