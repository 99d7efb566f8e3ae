// `-w sqlite://FILE`: flow.record's sqlite adapter's schema, so Python's `rdump sqlite://FILE` reads our files.
// One table per descriptor, named as the descriptor ("linux/log/wtmp"), one column per field, reserved fields
// included, typed as that adapter types them; values stored as its writer stores them (datetimes as isoformat(),
// other non-number types as their str()). The database is built in memory with sql.js and written out at close:
// bounded by SQLITE_OUTPUT_LIMIT (a larger run wants the stream or JSON lines).
import type { Database, SqlJsStatic, SqlValue } from "sql.js";
import { loadSqlJs } from "../../util/sqlite.js";
import { encodeSurrogateEscape } from "../../util/text.js";
import { pyStr } from "../../util/pyrepr.js";
import { DESCRIPTOR, type AnyRecord, type FieldDef, type RecordDescriptor } from "../descriptor.js";
import type { Output } from "../output.js";
import { Timestamp } from "../timestamp.js";
import type { RecordSink } from "./sink.js";

/** The largest database written: sql.js holds it in memory until close. */
export const SQLITE_OUTPUT_LIMIT = 1024 * 1024 * 1024;
/** How often (records) the database's size is checked against the limit. */
const SIZE_CHECK_EVERY = 4096;

/** flow.record's sqlite column types; any other field type is TEXT. */
const COLUMN_TYPES: Readonly<Record<string, string>> = {
  int: "INTEGER",
  uint32: "INTEGER",
  varint: "BIGINT",
  float: "REAL",
  boolean: "INTEGER",
  bytes: "BLOB",
  filesize: "BIGINT",
  datetime: "TIMESTAMPTZ",
};

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const SURROGATE = /[\udc80-\udcff]/;

const quoteName = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** A string as text; one holding escaped raw bytes as those bytes (the reader decodes them back, surrogateescape). */
function textValue(s: string): SqlValue {
  return SURROGATE.test(s) ? encodeSurrogateEscape(s) : s;
}

/** An integer as SQLite stores it; past 64 bits (Python's sqlite3 refuses those) as its decimal text. */
function integerValue(v: number | bigint): SqlValue {
  if (typeof v === "number") return v;
  return v >= INT64_MIN && v <= INT64_MAX ? (Number.isSafeInteger(Number(v)) ? Number(v) : (v as unknown as SqlValue)) : v.toString();
}

/** Python's repr() of a list item, as str(list) writes it. */
function itemRepr(type: string, v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "string") return pyStr(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v instanceof Timestamp) return pyStr(v.isoformat());
  if (type === "float[]" && typeof v === "number" && Number.isInteger(v)) return `${v}.0`;
  return String(v);
}

/** One value as flow.record's sqlite writer stores it. */
function columnValue(f: FieldDef, v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (f.type.endsWith("[]")) return `[${(v as unknown[]).map((x) => itemRepr(f.type, x)).join(", ")}]`;
  if (v instanceof Timestamp) return v.isoformat();
  if (v instanceof Uint8Array) return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number" || typeof v === "bigint") return f.type === "float" ? Number(v) : integerValue(v);
  return textValue(String(v));
}

interface Table {
  insert: ReturnType<Database["prepare"]>;
  fields: readonly FieldDef[];
}

export class SqliteSink implements RecordSink {
  private db: Database | null = null;
  private loading: Promise<SqlJsStatic> | null = null;
  private readonly tables = new Map<RecordDescriptor, Table>();
  private written = 0;

  constructor(
    private readonly out: Output,
    /** What the limit error names: the destination. */
    private readonly label: string,
    private readonly limit = SQLITE_OUTPUT_LIMIT,
  ) {}

  write(rec: AnyRecord): void | Promise<void> {
    if (this.db) return this.insert(rec);
    this.loading ??= loadSqlJs();
    return this.loading.then((SQL) => {
      if (!this.db) {
        this.db = new SQL.Database();
        // one transaction for the whole run: the file is written once, at close
        this.db.exec("BEGIN");
      }
      this.insert(rec);
    });
  }

  private insert(rec: AnyRecord): void {
    const desc = rec[DESCRIPTOR];
    const table = this.tables.get(desc) ?? this.createTable(desc);
    table.insert.run(table.fields.map((f) => columnValue(f, rec[f.name])));
    if (++this.written % SIZE_CHECK_EVERY === 0) this.checkSize();
  }

  private createTable(desc: RecordDescriptor): Table {
    const db = this.db!;
    const fields = desc.allFields;
    const name = quoteName(desc.name);
    db.exec(`CREATE TABLE IF NOT EXISTS ${name} (\n${fields.map((f) => `   ${quoteName(f.name)} ${COLUMN_TYPES[f.type] ?? "TEXT"}`).join(",\n")}\n)`);
    // a second descriptor of the same name (other fields): its new columns are added, as flow.record does
    const have = new Set((db.exec(`PRAGMA table_info(${name})`)[0]?.values ?? []).map((row) => String(row[1])));
    for (const f of fields) if (!have.has(f.name)) db.exec(`ALTER TABLE ${name} ADD COLUMN ${quoteName(f.name)} ${COLUMN_TYPES[f.type] ?? "TEXT"}`);
    const insert = db.prepare(`INSERT INTO ${name} (${fields.map((f) => quoteName(f.name)).join(", ")}) VALUES (${fields.map(() => "?").join(", ")})`);
    const t = { insert, fields };
    this.tables.set(desc, t);
    return t;
  }

  private checkSize(): void {
    const pages = Number(this.db!.exec("PRAGMA page_count")[0]!.values[0]![0]);
    const size = Number(this.db!.exec("PRAGMA page_size")[0]!.values[0]![0]);
    if (pages * size > this.limit) {
      throw new Error(`${this.label}: the SQLite output passes ${this.limit} bytes (it is built in memory): write a stream (.rec) or JSON lines for a run this large`);
    }
  }

  async close(): Promise<void> {
    if (this.db) {
      for (const t of this.tables.values()) t.insert.free();
      this.db.exec("COMMIT");
      const bytes = this.db.export();
      this.db.close();
      this.db = null;
      const p = this.out.write(bytes);
      if (p) await p;
    }
    await this.out.close();
  }
}
