// The INI dialects of network configuration: NetworkManager's keyfiles (GKeyFile: [group], key=value, # comments)
// and systemd's .network files (the same, ; comments too, a section may repeat — [Route] — and a key may repeat
// — Address=). Sections and entries in file order, each with its line, so every consumer can name the line.
export interface IniEntry {
  key: string;
  value: string;
  line: number;
}

export interface IniSection {
  name: string;
  line: number;
  entries: IniEntry[];
}

export interface IniProblem {
  message: string;
  line: number;
}

/** Every value of `key` in the section (the last one is what systemd and GKeyFile use for a single value). */
export function values(s: IniSection | undefined, key: string): string[] {
  return s ? s.entries.filter((e) => e.key === key).map((e) => e.value) : [];
}
export function last(s: IniSection | undefined, key: string): string | null {
  const v = values(s, key);
  return v.length ? v[v.length - 1]! : null;
}

export function parseIni(text: string, problem: (p: IniProblem) => void): IniSection[] {
  const out: IniSection[] = [];
  let cur: IniSection | null = null;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const s = lines[i]!.replace(/\r$/, "").trim();
    if (s === "" || s[0] === "#" || s[0] === ";") continue;
    if (s[0] === "[") {
      if (!s.endsWith("]")) {
        problem({ message: `line ${line}: a section header without "]"; skipped`, line });
        continue;
      }
      cur = { name: s.slice(1, -1).trim(), line, entries: [] };
      out.push(cur);
      continue;
    }
    const eq = s.indexOf("=");
    if (eq <= 0) {
      problem({ message: `line ${line}: not "key=value"; skipped`, line });
      continue;
    }
    if (!cur) {
      problem({ message: `line ${line}: a key before any [section]; skipped`, line });
      continue;
    }
    cur.entries.push({ key: s.slice(0, eq).trim(), value: s.slice(eq + 1).trim(), line });
  }
  return out;
}
