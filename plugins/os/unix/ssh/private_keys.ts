// ssh.private_keys: private keys left in each account's ~/.ssh and the host keys in /etc/ssh: their format, whether
// a passphrase protects them (cipher, kdf), and the public half's fingerprint where the file or its .pub gives it.
// Never the key itself.
import { absent, definePlugin, defineRecord, ok, type FunctionContext, type Target } from "quarry";
import { accountHomes, chompCr } from "../textconfig.js";
import { KeyBlobError, describeKey, type PublicKeyInfo } from "./keyblob.js";
import { parseKeyLine } from "./keyline.js";
import { describePrivateKey } from "./privatekey.js";

export const PrivateKeyRecord = defineRecord("application/ssh/openssh/private_key", {
  mtime_ts: "datetime",
  // the account whose ~/.ssh holds the file; null for /etc/ssh
  user: "string",
  key_type: "string",
  // OPENSSH (openssh-key-v1), PEM or PKCS8
  key_format: "string",
  encrypted: "boolean",
  // the new format's cipher as written ("none" when clear, aes256-ctr …), PEM's DEK-Info cipher; null when not told
  cipher: "string",
  kdf: "string",
  kdf_rounds: "varint",
  comment: "string",
  fingerprint: "string",
  bits: "varint",
  // where the public half came from: "key file" or ".pub"; null when neither gives it
  public_key_source: "string",
  filepath: "path",
});

/** A key file is a few KB (RSA-16384 in the new format: ~13 KB); more than this is no key. */
const KEY_FILE_LIMIT = 64 * 1024;

function candidates(t: Target): { user: string | null; path: string }[] {
  const out: { user: string | null; path: string }[] = [];
  const seen = new Set<string>();
  const add = (user: string | null, path: string): void => {
    if (seen.has(path) || path.endsWith(".pub") || !t.fs.isFile(path)) return;
    seen.add(path);
    out.push({ user, path });
  };
  for (const a of accountHomes(t)) for (const p of t.fs.glob(`${a.home === "/" ? "" : a.home}/.ssh/*`)) add(a.user, p);
  for (const p of t.fs.glob("/etc/ssh/*")) add(null, p);
  return out;
}

function pubFile(t: Target, path: string, ctx: FunctionContext): { info: PublicKeyInfo; comment: string } | null {
  const pub = `${path}.pub`;
  if (!t.fs.isFile(pub)) return null;
  try {
    const text = chompCr(t.fs.readTextHead(pub, KEY_FILE_LIMIT).text.split("\n")[0] ?? "").trim();
    const k = text ? parseKeyLine(text) : "empty";
    const d = typeof k === "string" ? k : describeKey(k.key);
    if (typeof d === "string" || typeof k === "string") {
      ctx.warn({ message: `not a public key: ${typeof k === "string" ? k : d}`, file: pub });
      return null;
    }
    return { info: d, comment: k.comment };
  } catch (e) {
    ctx.warn({ message: `unreadable: ${(e as Error).message}`, file: pub });
    return null;
  }
}

export default definePlugin({
  name: "ssh.private_keys",
  path: "os.unix.ssh.private_keys",
  namespace: "ssh",
  description: "OpenSSH private keys in home directories and /etc/ssh (format, encryption, fingerprint; never the key)",
  paths: ["~/.ssh/*", "/etc/ssh/ssh_host_*_key"],
  checkCompatible: (t) => (candidates(t).length ? ok() : absent("no files in any ~/.ssh or /etc/ssh")),
  functions: {
    "ssh.private_keys": {
      output: "records",
      description: "One record per private key file: type, format, encrypted or not (cipher, kdf, rounds), the public half's SHA256 fingerprint from the file or its .pub",
      records: [PrivateKeyRecord],
      *run(t, ctx) {
        for (const { user, path } of candidates(t)) {
          let text: string;
          try {
            text = t.fs.readTextHead(path, KEY_FILE_LIMIT).text;
          } catch (e) {
            ctx.error({ message: `unreadable: ${(e as Error).message}`, file: path });
            continue;
          }
          if (!text.includes("PRIVATE KEY-----")) continue;
          let key;
          try {
            key = describePrivateKey(text);
          } catch (e) {
            if (!(e instanceof KeyBlobError)) throw e;
            ctx.warn({ message: `damaged private key: ${e.message}`, file: path });
            continue;
          }
          if (!key) {
            ctx.warn({ message: "a PRIVATE KEY armour of no format OpenSSH reads; not described", file: path });
            continue;
          }
          const pub = pubFile(t, path, ctx);
          if (pub && key.publicKey && pub.info.fingerprint !== key.publicKey.fingerprint) {
            ctx.warn({ message: `${path}.pub holds another key (${pub.info.fingerprint}) than this one (${key.publicKey.fingerprint})`, file: path });
          }
          const info = key.publicKey ?? pub?.info ?? null;
          let mtime = null;
          try {
            mtime = t.fs.stat(path).mtime;
          } catch {
            // the file was just read; a stat failing now leaves the time unknown
          }
          yield PrivateKeyRecord.create({
            mtime_ts: mtime,
            user,
            key_type: info?.type ?? key.keyType,
            key_format: key.format,
            encrypted: key.encrypted,
            cipher: key.cipher,
            kdf: key.kdf,
            kdf_rounds: key.kdfRounds,
            comment: key.comment ?? pub?.comment ?? null,
            fingerprint: info?.fingerprint ?? null,
            bits: info?.bits ?? null,
            public_key_source: key.publicKey ? "key file" : pub ? ".pub" : null,
            filepath: path,
          });
        }
      },
    },
  },
});
