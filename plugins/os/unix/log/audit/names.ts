// Record type and syscall names, from libaudit's own tables (tables.generated.ts), as `ausearch -i` shows them.
import { ARCHES, TYPE_NAMES } from "./tables.generated.js";

const UNKNOWN = /^UNKNOWN\[(\d{1,5})\]$/;
const NUMBER = /^\d{1,5}$/;

/**
 * The record type's name: as written, except a number, or `UNKNOWN[1334]` (what an auditd older than the
 * kernel writes for a type it has no name for), which becomes the name libaudit 3.0.9 knows (BPF), if any.
 */
export function typeName(written: string): string {
  const m = UNKNOWN.exec(written) ?? (NUMBER.test(written) ? [written, written] : null);
  if (!m) return written;
  return TYPE_NAMES[Number(m[1])] ?? written;
}

/** The number of a record type name (for the event rules), or null when libaudit does not know it. */
export function typeNumber(name: string): number | null {
  return NUMBERS.get(name) ?? null;
}

const NUMBERS = new Map<string, number>(Object.entries(TYPE_NAMES).map(([n, name]) => [name, Number(n)]));

const syscallTables = new Map<string, readonly string[]>();

/** The machine of an arch= value (c000003e → x86_64), or null when libaudit knows no machine for it. */
export function machineName(arch: string): string | null {
  return ARCHES[arch.toLowerCase().padStart(8, "0")]?.machine ?? null;
}

/**
 * The syscall's name on the record's arch (59 on c000003e → execve); null when the arch or the number is not in
 * libaudit's tables (the caller keeps the number).
 */
export function syscallName(arch: string | null, num: string): string | null {
  if (arch === null || !/^\d{1,4}$/.test(num)) return null;
  const key = arch.toLowerCase().padStart(8, "0");
  let table = syscallTables.get(key);
  if (!table) {
    const a = ARCHES[key];
    if (!a) return null;
    table = a.syscalls.split(",");
    syscallTables.set(key, table);
  }
  return table[Number(num)] || null;
}
