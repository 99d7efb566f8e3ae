// Generated host images of every kind a fleet folder holds: extracted directories, tar, tar.gz, UAC tarballs,
// a corrupt archive, and a host whose atop file is damaged.
import fs from "node:fs";
import path from "node:path";
import { absent, definePlugin, ok } from "../../src/plugin/define.js";
import { Registry } from "../../src/plugin/registry.js";
import { defineRecord } from "../../src/records/descriptor.js";
import { PLUGINS } from "../../plugins/index.js";
import { entry, gzip, tar } from "../fs/tarbuild.js";

export const ATOP_MAGIC = 0xfeedbeef;

/** A stand-in atop file: the real magic, then `n` bytes. A damaged one has its magic overwritten. */
export function atopFile(n: number, damaged = false): Buffer {
  const b = Buffer.alloc(4 + n, 0x41);
  b.writeUInt32LE(damaged ? 0xdeadbeef : ATOP_MAGIC, 0);
  return b;
}

export interface HostFiles {
  [targetPath: string]: string | Buffer;
}

export interface ImageOptions {
  damagedAtop?: boolean;
  /** Cut the compressed archive short (inside a filler file written last), as an interrupted copy would. */
  truncated?: boolean;
}

export function hostFiles(name: string, opts: ImageOptions = {}): HostFiles {
  const files: HostFiles = {
    "etc/hostname": `${name}\n`,
    "etc/passwd": `root:x:0:0:root:/root:/bin/bash\n${name}:x:1000:1000::/home/${name}:/bin/sh\n`,
    "var/log/atop/atop_20240101": atopFile(16),
    "var/log/atop/atop_20240102": atopFile(8, opts.damagedAtop),
  };
  if (opts.truncated) {
    let seed = 7;
    const filler = Buffer.alloc(200_000);
    for (let i = 0; i < filler.length; i++) filler[i] = 32 + ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) % 90;
    files["var/tmp/zz-filler"] = filler;
  }
  return files;
}

function tarOf(files: HostFiles, prefix: string): Buffer {
  const dirs = new Set<string>();
  for (const f of Object.keys(files)) {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return tar(
    ...[...dirs].sort().map((d) => entry({ name: `${prefix}${d}/`, flag: "5" })),
    ...Object.entries(files).map(([f, data]) => entry({ name: `${prefix}${f}`, data })),
  );
}

export type ImageKind = "dir" | "tar" | "tar.gz" | "uac";

/** Write one host image into `dir`; returns its path. */
export function writeImage(dir: string, kind: ImageKind, name: string, opts: ImageOptions = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const files = hostFiles(name, opts);
  switch (kind) {
    case "dir": {
      const root = path.join(dir, name);
      for (const [f, data] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
        fs.writeFileSync(path.join(root, f), data);
      }
      return root;
    }
    case "tar": {
      const p = path.join(dir, `${name}.tar`);
      fs.writeFileSync(p, tarOf(files, ""));
      return p;
    }
    case "tar.gz": {
      const p = path.join(dir, `${name}.tar.gz`);
      const gz = gzip(tarOf(files, "./"));
      fs.writeFileSync(p, opts.truncated ? gz.subarray(0, Math.floor(gz.length * 0.6)) : gz);
      return p;
    }
    case "uac": {
      const p = path.join(dir, `uac-${name}-linux-20240101120000.tar.gz`);
      const body = tarOf(files, "[root]/");
      const extra = tar(entry({ name: "uac.log", data: "UAC\n" }), entry({ name: "live_response/process/ps.txt", data: "PID\n" }));
      // Two tars concatenated would end at the first end marker: build one archive with both parts.
      const members = Buffer.concat([body.subarray(0, body.length - 1024), extra]);
      fs.writeFileSync(p, gzip(members));
      return p;
    }
  }
}

const AtopStub = defineRecord("test/atopfile", { size: "varint", filepath: "path" });

/** Test-only stand-in for the atop plugin: a damaged file is an error with file and offset, the run goes on. */
export const atopStub = definePlugin({
  name: "atopstub",
  path: "os.unix.log.atopstub",
  description: "test-only: one record per /var/log/atop/atop_* file with the right magic",
  checkCompatible: (t) => (t.fs.glob("/var/log/atop/atop_*").length ? ok() : absent("no /var/log/atop/atop_*")),
  functions: {
    atopstub: {
      output: "records",
      description: "atop files",
      records: [AtopStub],
      *run(t, ctx) {
        for (const f of t.fs.glob("/var/log/atop/atop_*")) {
          const data = t.fs.readFile(f);
          if (data.length < 4 || data.readUInt32LE(0) !== ATOP_MAGIC) {
            ctx.error({ message: "not an atop file (bad magic)", file: f, offset: 0 });
            continue;
          }
          yield AtopStub.create({ size: data.length, filepath: f });
        }
      },
    },
  },
});

export const matrixRegistry = new Registry([...PLUGINS, atopStub]);
