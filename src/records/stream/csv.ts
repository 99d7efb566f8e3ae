// Reading CSV back (rdump FILE.csv, rdump csvfile://FILE), as flow.record's csvfile reader does: the header names
// the fields, every field a string, the records named "csv/reader"; the reserved columns (_source,
// _classification, _generated, _version) fill the record's own. quarry's CSV writer starts a new header where the
// record type changes: a row that ends with the four reserved column names is read as the next header.
import { decodeLenient } from "../../util/text.js";
import { defineRecord, type AnyRecord, type RecordDescriptor } from "../descriptor.js";
import { Timestamp } from "../timestamp.js";
import type { DescriptorStats } from "./reader.js";

/** The longest row read (bytes): past it the input is no CSV record file. */
export const CSV_ROW_LIMIT = 16 * 1024 * 1024;
const RESERVED = ["_source", "_classification", "_generated", "_version"];

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvError";
  }
}

/** A column name as a field name: what flow.record's normalize_fieldname makes of it (non-word characters → "_"). */
export function fieldName(col: string): string {
  let n = col.trim().replace(/[^A-Za-z0-9_]/g, "_");
  if (/^[0-9]/.test(n)) n = `x${n}`;
  return n;
}

/** RFC 4180 rows from a byte stream: quoted cells may hold commas, quotes ("") and line breaks; CRLF or LF. */
export async function* csvRows(input: AsyncIterable<Uint8Array>): AsyncGenerator<{ cells: string[]; line: number }> {
  let cells: string[] = [];
  let cell: number[] = [];
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  let rowBytes = 0;
  const endCell = (): void => {
    cells.push(decodeLenient(Buffer.from(cell)));
    cell = [];
    afterQuote = false;
  };
  for await (const chunk of input) {
    for (const c of chunk) {
      if (++rowBytes > CSV_ROW_LIMIT) throw new CsvError(`a row longer than ${CSV_ROW_LIMIT} bytes`, rowLine);
      if (quoted) {
        if (c === 0x22) {
          quoted = false;
          afterQuote = true;
        } else {
          if (c === 0x0a) line++;
          cell.push(c);
        }
        continue;
      }
      if (c === 0x22) {
        // "" inside a quoted cell is one quote; a quote opening a cell starts quoting
        if (afterQuote) cell.push(0x22);
        quoted = true;
      } else if (c === 0x2c) endCell();
      else if (c === 0x0a) {
        if (cell.length && cell[cell.length - 1] === 0x0d && !afterQuote) cell.pop();
        endCell();
        yield { cells, line: rowLine };
        cells = [];
        line++;
        rowLine = line;
        rowBytes = 0;
      } else if (!(c === 0x0d && afterQuote)) cell.push(c);
    }
  }
  if (quoted) throw new CsvError("a quoted cell is not closed at the end of the input", rowLine);
  if (cell.length || cells.length) {
    endCell();
    yield { cells, line: rowLine };
  }
}

interface Layout {
  desc: RecordDescriptor;
  columns: string[];
  count: number;
}

function layoutOf(header: string[]): Layout {
  const columns = header.map(fieldName);
  const seen = new Set<string>();
  const fields: Record<string, "string"> = {};
  for (const c of columns) {
    // hostname and domain: every descriptor has them already (defineRecord prepends them)
    if (c.startsWith("_") || RESERVED.includes(c) || seen.has(c) || c === "hostname" || c === "domain") continue;
    seen.add(c);
    fields[c] = "string";
  }
  return { desc: defineRecord("csv/reader", fields), columns, count: 0 };
}

const isHeader = (cells: string[]): boolean => cells.length >= 4 && RESERVED.every((r, i) => cells[cells.length - 4 + i] === r);

/** The records of a CSV file, in batches; `onBad` is told of a row that cannot be read (the rest is read). */
export function readCsvRecords(input: AsyncIterable<Uint8Array>, onBad?: (e: CsvError) => void): { batches: AsyncIterable<AnyRecord[]>; stats: () => DescriptorStats[] } {
  const layouts: Layout[] = [];
  async function* batches(): AsyncGenerator<AnyRecord[]> {
    let layout: Layout | null = null;
    let batch: AnyRecord[] = [];
    for await (const { cells, line } of csvRows(input)) {
      if (layout === null || isHeader(cells)) {
        layout = layoutOf(cells);
        layouts.push(layout);
        continue;
      }
      if (cells.length === 1 && cells[0] === "") continue; // a blank line
      if (cells.length > layout.columns.length) {
        const e = new CsvError(`${cells.length} cells for ${layout.columns.length} columns`, line);
        if (!onBad) throw e;
        onBad(e);
        continue;
      }
      const input: Record<string, unknown> = {};
      const reserved: Record<string, unknown> = {};
      layout.columns.forEach((c, i) => {
        const v = cells[i] ?? "";
        if (RESERVED.includes(c)) reserved[c] = v;
        // an empty cell is the empty string, as flow.record's reader gives it (CSV cannot tell None from "")
        else if (!c.startsWith("_") && !(c in input)) input[c] = v;
      });
      const { hostname, domain, ...fields } = input;
      const rec = layout.desc.create(fields as never) as AnyRecord;
      if (hostname !== undefined) rec.hostname = hostname;
      if (domain !== undefined) rec.domain = domain;
      // as flow.record's reader: a reserved column's cell, empty or not, is the record's value
      if ("_source" in reserved) rec._source = reserved._source;
      if ("_classification" in reserved) rec._classification = reserved._classification;
      if (typeof reserved._generated === "string" && reserved._generated) {
        try {
          rec._generated = Timestamp.parse(reserved._generated);
        } catch {
          /* not a datetime: left unset, as flow.record leaves an unparsable one */
        }
      }
      if (typeof reserved._version === "string" && /^\d+$/.test(reserved._version)) rec._version = Number(reserved._version);
      layout.count++;
      batch.push(rec);
      if (batch.length >= 1024) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
  return { batches: batches(), stats: () => layouts.filter((l) => l.count).map((l) => ({ descriptor: l.desc, count: l.count })) };
}
