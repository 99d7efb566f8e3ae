// An at job as at(1) spools it: the file name says the queue, the job number and the run time; the file is the
// shell script atd runs: "# atrun uid=N gid=M", the saved environment, "cd DIR || { … }", then the commands.

export interface AtJobName {
  queue: string;
  job: number;
  /** When it runs, in seconds since the epoch (the name holds minutes). */
  runAt: number;
}

// at's spool name: queue letter ("=" while running), 5 hex digits of job number, 8 of minutes since the epoch.
const NAME = /^([a-zA-Z=])([0-9a-f]{5})([0-9a-f]{8})$/;

export function parseAtJobName(name: string): AtJobName | null {
  const m = NAME.exec(name);
  if (!m) return null;
  return { queue: m[1]!, job: parseInt(m[2]!, 16), runAt: parseInt(m[3]!, 16) * 60 };
}

export interface AtScript {
  uid: number | null;
  /** The commands after the cd block, as written; null when the script has none. */
  command: string | null;
  /** 1-based line of the first command. */
  lineno: number | null;
}

const ATRUN = /^# atrun uid=(\d+) gid=(\d+)/;

/** The uid and the commands of an at job's script (lines in file order, "\n" removed). */
export function parseAtScript(lines: readonly string[]): AtScript {
  let uid: number | null = null;
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const m: RegExpExecArray | null = uid === null ? ATRUN.exec(l) : null;
    if (m) uid = Number(m[1]);
    // at writes "cd DIR || {", the two lines of its message and exit, then "}" alone.
    if (/^cd .* \|\| \{$/.test(l)) {
      const close = lines.indexOf("}", i + 1);
      if (close > i) {
        start = close + 1;
        break;
      }
    }
  }
  if (start < 0) return { uid, command: null, lineno: null };
  let end = lines.length;
  while (end > start && lines[end - 1]!.trim() === "") end--;
  // at 3.1.x (RHEL) wraps the commands in a here-document: ${SHELL:-/bin/sh} << 'marcinDELIMITER…'.
  const here = /^\$\{SHELL:-\/bin\/sh\} << '(marcinDELIMITER\w+)'$/.exec(lines[start] ?? "");
  if (here && end - 1 > start && lines[end - 1] === here[1]) {
    start++;
    end--;
  }
  if (end <= start) return { uid, command: null, lineno: null };
  return { uid, command: lines.slice(start, end).join("\n"), lineno: start + 1 };
}
