// A generated btmp for the benchmarks: glibc x86_64 records of failed sshd logins, users in rotation.
import fs from "node:fs";

export const BTMP_USERS = ["root", "alice", "bob", "deploy", "postgres"];

/** A glibc x86_64 btmp of n failed sshd logins (384-byte records, sshd's record_failed_login shape). */
export function writeBtmp(file: string, n: number): void {
  const fd = fs.openSync(file, "w");
  const batch = 4096;
  const buf = Buffer.alloc(384 * batch);
  try {
    for (let done = 0; done < n; ) {
      const k = Math.min(batch, n - done);
      buf.fill(0);
      for (let j = 0; j < k; j++) {
        const i = done + j;
        const o = j * 384;
        buf.writeInt16LE(6, o); // LOGIN_PROCESS
        buf.writeInt32LE(1000 + (i % 30000), o + 4);
        buf.write("ssh:notty", o + 8, "latin1");
        buf.write(BTMP_USERS[i % BTMP_USERS.length]!, o + 44, "latin1");
        const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        buf.write(ip, o + 76, "latin1");
        buf.writeUInt32LE(1_700_000_000 + i, o + 340);
        buf.writeUInt8(10, o + 348);
        buf.writeUInt8((i >> 16) & 255, o + 349);
        buf.writeUInt8((i >> 8) & 255, o + 350);
        buf.writeUInt8(i & 255, o + 351);
      }
      fs.writeSync(fd, buf, 0, 384 * k);
      done += k;
    }
  } finally {
    fs.closeSync(fd);
  }
}
