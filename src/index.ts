// quarry's public API: what a plugin author (or a program embedding quarry) imports from "quarry".
// Everything here is stable; anything not exported here is internal and may change.
//
// Order matters: the low-level modules come before Target, so a built-in plugin that imports "quarry" while
// Target's own imports are still being evaluated finds these bindings ready.

// Records: one declaration gives the descriptor, the TypeScript type and the output schema.
export {
  defineRecord,
  RecordDescriptor,
  type AnyRecord,
  type FieldDef,
  type FieldSpec,
  type FlowRecord,
  type RecordInput,
  type RecordOf,
} from "./records/descriptor.js";
export { SCALAR_TYPES, isFieldTypeName, type FieldTypeName, type ScalarTypeName, type ValueOf } from "./records/fieldtypes.js";
export { civilFromDays, daysFromCivil, Timestamp } from "./records/timestamp.js";
export { canonicalIp, formatIpv4, formatIpv6, formatIpv6Bytes, ipv6FromBytes, isIp, parseIpv6 } from "./records/ip.js";
export { cString, decodeLenient, encodeSurrogateEscape } from "./util/text.js";
export { decompress, DecompressError, JOURNAL_DATA_SIZE_MAX, type Codec, type DecompressFailure } from "./util/decompress/index.js";
// The timeline's one-line message for a plugin's records, where a sentence reads better than field=value pairs.
export { declareSummary } from "./timeline/summary.js";

// Plugins: the declaration, compatibility answers, the context a running function gets.
export {
  absent,
  definePlugin,
  ok,
  type ArgSpec,
  type ArgValues,
  type Compat,
  type FunctionContext,
  type Issue,
  type OsInfo,
  type OsSpec,
  type Plugin,
  type PluginFunction,
  type PluginSpec,
  type RecordFunction,
  type RecordSource,
  type ValueFunction,
} from "./plugin/define.js";
export { Registry, type FunctionGroup, type FunctionRef } from "./plugin/registry.js";
export { lazyPlugin, loadPlugin, manifestOf, type PluginManifest } from "./plugin/lazy.js";
// A value function's answer with the file it came from.
export { withSource, type SourcedValue } from "./plugin/value.js";

// Filesystem access: a target's root, resolved inside the evidence.
export { READ_FILE_LIMIT, RootFilesystem, readAll, readFully, type ReadOptions, type WalkOptions } from "./fs/root.js";
export { readLines, type FileHead, type LineOptions, type TextHead, type TextLine } from "./fs/read.js";
export { PATH_MAX, byteLength } from "./fs/path.js";
// Sizes given by the analyst ("64M", "2G"), and nameless temp files removed on every exit path.
export { parseSize } from "./util/inflate-budget.js";
export { createTempFile, type TempFile } from "./util/tempfile.js";
// Bounded gzip inflation (a truncated stream keeps its good prefix, with a warning): rotated logs.
export { gunzipBounded, type GunzipOptions, type Inflated, type PositionedInput } from "./util/gunzip.js";
export { FsError, type DirEntry, type FileHandle, type FileStat, type FileType, type FsErrorCode } from "./fs/types.js";

// SQLite artefacts (wtmpdb, lastlog2): read-only, untrusted schema, bounded scans.
export { checkPlainTable, loadSqlJs, maxRowsOf, openDatabase, sqlNumber, sqlText, tableRows, type Database, type SqlJsStatic, type SqlValue } from "./util/sqlite.js";

// A time-ordered stream given back newest first without holding it (spilled to a nameless temp file).
export { ReverseSpill } from "./util/spill.js";

// Artefacts many plugins read.
export { PASSWD_FILE_LIMIT, parsePasswd, type PasswdEntry, type PasswdProblem } from "./formats/passwd.js";

// Targets.
export { Target, TargetError, type OpenOptions } from "./target.js";
export type { MemoryTree } from "./fs/memory.js";
