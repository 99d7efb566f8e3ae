// What a private key file says about itself without its secret: its format, whether a passphrase protects it
// (and with what), its public half where the file gives it. OpenSSH's PROTOCOL.key for the new format; PEM
// (RFC 1421 headers, "Proc-Type: 4,ENCRYPTED") and PKCS#8 as OpenSSL writes them. No private field is returned.
import { createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";
import { decodeBase64, describeKeyBlob, KeyBlobError, type PublicKeyInfo } from "./keyblob.js";

export interface PrivateKeyInfo {
  /** OPENSSH (openssh-key-v1), PEM (RSA/DSA/EC PRIVATE KEY), PKCS8 */
  format: "OPENSSH" | "PEM" | "PKCS8";
  /** ssh-ed25519, ssh-rsa, …; for PEM from its label (ssh-rsa, ssh-dss, ecdsa) when nothing better is known. */
  keyType: string | null;
  encrypted: boolean;
  cipher: string | null;
  kdf: string | null;
  kdfRounds: number | null;
  comment: string | null;
  /** The public half, where the file gives it unencrypted (or, unencrypted PEM/PKCS#8, derives it). */
  publicKey: PublicKeyInfo | null;
}

const MAGIC = Buffer.from("openssh-key-v1\0", "latin1");
/** Private fields before the comment in the new format's private section, per key type (PROTOCOL.key, sshkey.c). */
const PRIVATE_FIELDS: Record<string, number> = { "ssh-ed25519": 2, "ssh-rsa": 6, "ssh-dss": 5, "ecdsa-sha2-nistp256": 3, "ecdsa-sha2-nistp384": 3, "ecdsa-sha2-nistp521": 3 };

class Reader {
  at = 0;
  constructor(readonly buf: Buffer) {}
  u32(): number {
    if (this.at + 4 > this.buf.length) throw new KeyBlobError(`the key data ends at byte ${this.at}, inside a length`);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  bytes(): Buffer {
    const len = this.u32();
    if (len > this.buf.length - this.at) throw new KeyBlobError(`a field at byte ${this.at - 4} claims ${len} bytes, more than the key data holds`);
    const b = this.buf.subarray(this.at, this.at + len);
    this.at += len;
    return b;
  }
  text(): string {
    return this.bytes().toString("latin1");
  }
}

/** The base64 between a PEM-style BEGIN and END line, headers ("Key: value") left out. */
function armoredBody(text: string, label: string): { body: string; headers: Map<string, string> } | null {
  const begin = text.indexOf(`-----BEGIN ${label}-----`);
  const end = text.indexOf(`-----END ${label}-----`, begin);
  if (begin < 0 || end < 0) return null;
  const headers = new Map<string, string>();
  let body = "";
  for (const raw of text.slice(begin, end).split("\n").slice(1)) {
    const line = raw.trim();
    const h = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (h) headers.set(h[1]!, h[2]!);
    else body += line;
  }
  return { body, headers };
}

function openssh(body: string): PrivateKeyInfo {
  const data = decodeBase64(body);
  if (!data) throw new KeyBlobError("the key data is not base64");
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw new KeyBlobError("no openssh-key-v1 magic");
  const r = new Reader(data);
  r.at = MAGIC.length;
  const cipher = r.text();
  const kdf = r.text();
  const kdfOptions = new Reader(r.bytes());
  let kdfRounds: number | null = null;
  if (kdf === "bcrypt") {
    kdfOptions.bytes(); // salt
    kdfRounds = kdfOptions.u32();
  }
  const n = r.u32();
  if (n !== 1) throw new KeyBlobError(`${n} keys in the file (OpenSSH writes one)`);
  const publicKey = describeKeyBlob(r.bytes());
  const encrypted = cipher !== "none";
  let comment: string | null = null;
  if (!encrypted) {
    const p = new Reader(r.bytes());
    if (p.u32() !== p.u32()) throw new KeyBlobError("the check numbers of the private section differ");
    const type = p.text();
    const fields = PRIVATE_FIELDS[type];
    if (fields !== undefined) {
      for (let i = 0; i < fields; i++) p.bytes();
      comment = p.text();
    }
  }
  return { format: "OPENSSH", keyType: publicKey.type, encrypted, cipher, kdf, kdfRounds, comment, publicKey };
}

function b64url(s: string | undefined): Buffer {
  return Buffer.from(s ?? "", "base64url");
}
function sshString(b: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}
function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return sshString(v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}
const CURVES: Record<string, string> = { "P-256": "nistp256", "P-384": "nistp384", "P-521": "nistp521" };

/** The SSH public key blob of an unencrypted PEM or PKCS#8 key (OpenSSL derives it); null for types SSH lacks. */
function derivedPublic(pem: string): PublicKeyInfo | null {
  let jwk: JsonWebKey;
  try {
    jwk = createPublicKey(createPrivateKey({ key: pem, format: "pem" })).export({ format: "jwk" });
  } catch {
    return null;
  }
  let blob: Buffer | null = null;
  if (jwk.kty === "RSA") blob = Buffer.concat([sshString(Buffer.from("ssh-rsa")), mpint(b64url(jwk.e)), mpint(b64url(jwk.n))]);
  else if (jwk.kty === "EC" && jwk.crv && CURVES[jwk.crv]) {
    const curve = CURVES[jwk.crv]!;
    blob = Buffer.concat([sshString(Buffer.from(`ecdsa-sha2-${curve}`)), sshString(Buffer.from(curve)), sshString(Buffer.concat([Buffer.from([4]), b64url(jwk.x), b64url(jwk.y)]))]);
  } else if (jwk.kty === "OKP" && jwk.crv === "Ed25519") blob = Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(b64url(jwk.x))]);
  return blob ? describeKeyBlob(blob) : null;
}

const PEM_LABELS: Record<string, string> = { "RSA PRIVATE KEY": "ssh-rsa", "DSA PRIVATE KEY": "ssh-dss", "EC PRIVATE KEY": "ecdsa" };

/** What the private key text says about itself; null when it holds no private key; KeyBlobError when damaged. */
export function describePrivateKey(text: string): PrivateKeyInfo | null {
  const o = armoredBody(text, "OPENSSH PRIVATE KEY");
  if (o) return openssh(o.body);
  for (const [label, type] of Object.entries(PEM_LABELS)) {
    const p = armoredBody(text, label);
    if (!p) continue;
    const encrypted = /ENCRYPTED/.test(p.headers.get("Proc-Type") ?? "");
    const cipher = encrypted ? (p.headers.get("DEK-Info") ?? "").split(",")[0]! || null : null;
    const pub = encrypted ? null : derivedPublic(text.slice(text.indexOf(`-----BEGIN ${label}-----`)));
    return { format: "PEM", keyType: pub?.type ?? type, encrypted, cipher, kdf: null, kdfRounds: null, comment: null, publicKey: pub };
  }
  if (armoredBody(text, "ENCRYPTED PRIVATE KEY")) {
    return { format: "PKCS8", keyType: null, encrypted: true, cipher: null, kdf: null, kdfRounds: null, comment: null, publicKey: null };
  }
  if (armoredBody(text, "PRIVATE KEY")) {
    const pub = derivedPublic(text.slice(text.indexOf("-----BEGIN PRIVATE KEY-----")));
    return { format: "PKCS8", keyType: pub?.type ?? null, encrypted: false, cipher: null, kdf: null, kdfRounds: null, comment: null, publicKey: pub };
  }
  return null;
}
